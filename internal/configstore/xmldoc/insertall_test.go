package xmldoc

import (
	"strconv"
	"testing"
)

// TestInsertAllBefore: several elements inserted at once give the bytes of
// inserting them one by one, in a parsed and in a new parent.
func TestInsertAllBefore(t *testing.T) {
	for _, src := range []string{
		"<c>\n    <pools>\n        <add name=\"a\" />\n        <defaults />\n    </pools>\n</c>\n",
		"<c>\r\n\t<pools>\r\n\t\t<add name=\"a\" /><defaults/>\r\n\t</pools>\r\n</c>",
		"<c><pools><defaults /></pools></c>",
	} {
		for _, n := range []int{1, 2, 5} {
			var got, want string
			for _, all := range []bool{true, false} {
				doc, err := Parse([]byte(src))
				if err != nil {
					t.Fatal(err)
				}
				pools := doc.Root().Child("pools")
				ref := pools.Child("defaults")
				var els []*Element
				for i := range n {
					el := NewElement("add")
					el.SetAttr("name", "new"+strconv.Itoa(i))
					els = append(els, el)
				}
				if all {
					pools.InsertAllBefore(els, ref)
					got = string(doc.Bytes())
					continue
				}
				for _, el := range els {
					pools.InsertBefore(el, ref)
				}
				want = string(doc.Bytes())
			}
			if got != want {
				t.Errorf("%q, %d elements:\n%s\nwant\n%s", src, n, got, want)
			}
		}
	}
}
