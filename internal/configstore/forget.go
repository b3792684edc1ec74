package configstore

// ForgetMissing drops what the store remembers of web.config paths it
// probed and found missing, or could not read or parse, and returns how
// many. The next lookup that needs one probes it again. The test server
// calls it with its own cache cleared, so that URL paths chosen by clients
// (each level a probe, an over-long path an error) cannot grow the store,
// and the list Files returns, without bound.
func (s *Store) ForgetMissing() int {
	n := len(s.fileErr)
	clear(s.fileErr)
	for p, f := range s.files {
		if f.doc == nil {
			delete(s.files, p)
			n++
		}
	}
	return n
}
