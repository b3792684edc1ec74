// Command appcmd edits IIS configuration files the way appcmd.exe does.
package main

import (
	"os"

	"github.com/appcmd-project/appcmd/internal/cmd"
)

func main() {
	os.Exit(cmd.Main(os.Args[1:]))
}
