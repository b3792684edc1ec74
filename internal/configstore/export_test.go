package configstore

// ValidateOneGoroutine is Validate with applicationHost.config's
// <location> tags checked on the calling goroutine, for the external tests
// that compare the two.
func ValidateOneGoroutine(s *Store) *Report { return s.validate(false, false) }
