package configstore

// ValidateOneGoroutine is Validate with applicationHost.config's
// <location> tags checked on the calling goroutine, for the external tests
// that compare the two.
func ValidateOneGoroutine(s *Store) *Report { return s.validate(false, false) }

// ValidateDiscoverOn is Validate with the web.config search on the first
// goroutine (1) or the <location> pass's (2).
func ValidateDiscoverOn(s *Store, side int) *Report { return s.validateWith(false, true, side) }
