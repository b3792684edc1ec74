package section

import (
	"embed"
	"sync"
)

// The built-in definitions are written for this project in the IIS schema
// format; see builtin/README.md.
//
//go:embed builtin/*.xml
var builtinFiles embed.FS

var builtinSchema = sync.OnceValue(func() *Schema {
	s := &Schema{}
	entries, err := builtinFiles.ReadDir("builtin")
	if err != nil {
		panic("section: built-in schema: " + err.Error())
	}
	for _, e := range entries {
		name := "builtin/" + e.Name()
		data, err := builtinFiles.ReadFile(name)
		if err == nil {
			err = s.Add(name, data)
		}
		if err != nil {
			// Only a broken build gets here; TestBuiltin catches it.
			panic("section: built-in schema: " + err.Error())
		}
	}
	return s
})

// Builtin returns a new Schema holding the embedded definitions. Each call
// returns an independent copy that the caller may extend with Add or
// LoadDirs.
func Builtin() *Schema {
	return builtinSchema().Clone()
}
