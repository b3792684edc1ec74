package xmldoc

// MarkChanged makes the document count as changed without an edit, so a
// save writes it: configstore restores a backup by replacing
// applicationHost.config's document with the backup's.
func (d *Document) MarkChanged() { d.changed = true }
