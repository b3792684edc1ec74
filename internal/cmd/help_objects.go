package cmd

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/section"
)

// objectPropsHelp lists the settable properties of one object kind for
// "set site X /?" (and app, vdir, apppool), from the schema, as
// appcmd.exe's verb help does (GS sample18). It reports false for other
// objects.
func (c *invocation) objectPropsHelp(object string) (string, bool, error) {
	// The element of one object, as a walk of collection items from the
	// section root.
	var kind *iis.Kind
	depth := 0
	switch object {
	case "SITE":
		kind, depth = iis.SiteKind, 1
	case "APP":
		kind, depth = iis.AppKind, 2
	case "VDIR":
		kind, depth = iis.VDirKind, 3
	case "APPPOOL":
		kind, depth = iis.PoolKind, 1
	default:
		return "", false, nil
	}
	s, err := c.openStore(false)
	if err != nil {
		return "", false, err
	}
	defer s.Close()
	sch, _, err := s.LookupSection(kind.Section, configstore.ServerPath)
	if err != nil {
		return "", false, err
	}
	el := sch.Root
	for i := 0; i < depth && el != nil; i++ {
		if el.Collection == nil {
			el = nil
			break
		}
		el = el.Collection.Item
	}
	if el == nil {
		return "", false, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Settable properties of %s (<%s> in %s):\n\n", object, el.Name, kind.Section)
	describeObjectElement(&b, el, "", depth < 3 && object != "APPPOOL")
	return b.String(), true, nil
}

// describeObjectElement is describeElement without the nested object
// collections (a site's applications are APP objects, not properties).
func describeObjectElement(b *strings.Builder, e *section.Element, prefix string, skipItems bool) {
	if !skipItems {
		describeElement(b, e, prefix)
		return
	}
	copyEl := *e
	copyEl.Collection = nil
	describeElement(b, &copyEl, prefix)
}
