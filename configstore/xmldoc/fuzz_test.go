package xmldoc

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

// stdTree flattens a document read by encoding/xml into "name attr=value"
// lines, the structure both parsers must agree on.
func stdTree(src []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(src))
	dec.Strict = true
	var b strings.Builder
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return "", io.ErrUnexpectedEOF
			}
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			b.WriteString(strings.Repeat(" ", depth) + qname(t.Name))
			for _, a := range t.Attr {
				b.WriteString(" " + qname(a.Name) + "=" + wsFold(a.Value))
			}
			b.WriteString("\n")
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func ourTree(e *Element, depth int, b *strings.Builder) {
	b.WriteString(strings.Repeat(" ", depth) + e.Name())
	for _, a := range e.Attrs() {
		b.WriteString(" " + a.Name + "=" + wsFold(a.Value))
	}
	b.WriteString("\n")
	for _, c := range e.Children() {
		ourTree(c, depth+1, b)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<configuration/>",
		"\uFEFF<?xml version=\"1.0\"?>\r\n<a x='1' y=\"&amp;\"><b/><!-- c --><![CDATA[x]]></a>",
		"<a>\n\t<b c='&#x41;'>t</b>\n</a>",
		"<a><b></a>",
		"<a x='<'/>",
	} {
		f.Add([]byte(s))
	}
	if files, err := readSeedCorpus(); err == nil {
		for _, b := range files {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse(src)
		if err != nil {
			return
		}
		want, serr := stdTree(src)
		if serr != nil {
			t.Fatalf("we accept what encoding/xml rejects (%v): %q", serr, src)
		}
		var b strings.Builder
		ourTree(d.Root(), 0, &b)
		if b.String() != want {
			t.Fatalf("structure differs:\nours:\n%s\nstd:\n%s", b.String(), want)
		}
		if !bytes.Equal(d.Bytes(), src) {
			t.Fatal("round trip not byte-identical")
		}
		// An edit must leave a well-formed document.
		d.Root().SetAttr("fuzz", "a\"<&'\n")
		d.Root().AppendChild(NewElement("fuzzChild"))
		if _, err := Parse(d.Bytes()); err != nil {
			t.Fatalf("edited document does not parse: %v\n%q", err, d.Bytes())
		}
	})
}

// readSeedCorpus returns a few small real files as seeds.
func readSeedCorpus() ([][]byte, error) {
	var out [][]byte
	for _, name := range []string{"08-tjanczuk-iisnode.config", "22-AllenConway-PWAWeatherApp.config", "02-123B3n-ws-hub.config"} {
		b, err := os.ReadFile(corpus + "/webconfig/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// wsFold hides the one intended difference: we normalise literal white space
// in attribute values as the XML spec says; encoding/xml keeps it.
func wsFold(s string) string {
	s = strings.ReplaceAll(s, "\r\n", " ")
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}
