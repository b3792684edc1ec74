package configstore

// EnsureDoc gives a web.config that does not exist yet an empty
// <configuration> document, written with the given line ending and
// indentation when saved.
func EnsureDoc(f *File, newline, unit string) { f.ensureDoc(newline, unit) }
