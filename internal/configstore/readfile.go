package configstore

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// specialFileError is a configuration file that is not a regular file (a
// named pipe, a device, a socket), or one too large to be a configuration
// file. Reading a named pipe would wait for a writer forever, and a device
// such as /dev/zero never ends, so both are refused before any byte is read.
type specialFileError struct {
	Path   string
	Reason string
}

func (e *specialFileError) Error() string { return e.Path + ": " + e.Reason }

// checkConfigFile checks what fstat says about an opened configuration file.
func checkConfigFile(path string, info fs.FileInfo) error {
	mode := info.Mode()
	switch {
	case mode.IsDir():
		return &os.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	case !mode.IsRegular():
		return &specialFileError{Path: path, Reason: fmt.Sprintf("it is %s, not a regular file; a configuration file must be a regular file or a symbolic link to one", fileKind(mode))}
	case info.Size() > xmldoc.MaxFileSize:
		return &specialFileError{Path: path, Reason: fmt.Sprintf("it is %d bytes, more than the %d bytes (MaxFileSize) a configuration file may hold", info.Size(), int64(xmldoc.MaxFileSize))}
	}
	return nil
}

// fileKind names a file type that is not a regular file or a folder.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file (" + mode.Type().String() + ")"
}

// openConfig opens a configuration file (with the platform's openFlags)
// and checks with fstat, on the opened file itself, that it is a regular
// file of bounded size.
func openConfig(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = checkConfigFile(path, info)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// readWhole reads an opened, checked configuration file into memory and
// closes it.
func readWhole(f *os.File, path string, info fs.FileInfo) (mapped, error) {
	defer f.Close()
	b, err := readAllBounded(f, path)
	return mapped{data: b, info: info}, err
}

// readAllBounded reads an opened, checked configuration file; it may have
// grown since it was checked, so no more than MaxFileSize bytes are read.
func readAllBounded(f *os.File, path string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(f, xmldoc.MaxFileSize+1))
	if err == nil && len(b) > xmldoc.MaxFileSize {
		err = &specialFileError{Path: path, Reason: fmt.Sprintf("it is more than the %d bytes (MaxFileSize) a configuration file may hold", int64(xmldoc.MaxFileSize))}
	}
	return b, err
}

// ReadConfigFile returns the contents of a configuration file, with the
// checks of every read: a regular file (after following links) of at most
// xmldoc.MaxFileSize bytes, opened without blocking.
func ReadConfigFile(path string) ([]byte, error) {
	f, _, err := openConfig(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllBounded(f, path)
}

// readError turns an error of reading a configuration file into the
// configuration error that IIS would report.
func readError(path string, err error) error {
	if se, ok := err.(*specialFileError); ok {
		return &ConfigFileError{File: path, Kind: ErrMalformed, Description: DescCannotRead + ": " + se.Reason, Err: err}
	}
	return &ConfigFileError{File: path, Description: DescCannotRead, Kind: ErrUnreadable, Err: err}
}
