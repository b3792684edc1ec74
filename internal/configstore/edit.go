package configstore

// EnsureDoc gives a web.config that does not exist yet an empty
// <configuration> document, written with the given line ending and
// indentation when saved.
func EnsureDoc(f *File, newline, unit string) { f.ensureDoc(newline, unit) }

// CheckWrite tells whether a section may be written into file f for level
// cp, before anything is edited: allowLocation, allowDefinition, and the
// section lock that applies to files below applicationHost.config.
func (s *Store) CheckWrite(f *File, cp ConfigPath, location string, name string) error {
	_, decl, err := s.LookupSection(name, cp)
	if err != nil {
		return err
	}
	if location != "" && location != "." && !decl.AllowLocation {
		return &LockError{File: f.Path, Description: DescNotInLocation}
	}
	if err := s.checkAllowDefinition(f, cp, decl); err != nil {
		return &LockError{File: f.Path, Description: err.Error()}
	}
	if f.AppHost {
		return nil
	}
	chain, err := s.Chain(cp)
	if err != nil {
		return err
	}
	if mode, _ := s.sectionMode(decl.Name, decl, cp, chain, f); mode == "Deny" {
		return &LockError{File: f.Path, Description: DescLockViolation}
	}
	return nil
}
