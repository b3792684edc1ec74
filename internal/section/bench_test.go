package section

import "testing"

// What a command pays for the schema: the built-in schema and the one
// section it uses. Compare with BenchmarkBuiltinEager, which parses every
// built-in file as appcmd did before sections were parsed lazily.
func BenchmarkBuiltinOneSection(b *testing.B) {
	for b.Loop() {
		s := Builtin()
		if s.Section("system.webServer/webSocket") == nil {
			b.Fatal("no webSocket")
		}
	}
}

func BenchmarkBuiltinEager(b *testing.B) {
	var names []string
	var files [][]byte
	seen := map[string]bool{}
	for _, defs := range builtinIndex() {
		for _, d := range defs {
			if seen[d.file] {
				continue
			}
			seen[d.file] = true
			data, err := builtinFiles.ReadFile(d.file)
			if err != nil {
				b.Fatal(err)
			}
			names = append(names, d.file)
			files = append(files, data)
		}
	}
	for b.Loop() {
		s := &Schema{}
		for i, f := range files {
			if err := s.Add(names[i], f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
