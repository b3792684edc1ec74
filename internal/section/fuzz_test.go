package section

import (
	"testing"
)

var fuzzAttrs = []string{
	`<attribute name="t" type="timeSpan" />`,
	`<attribute name="t" type="timeSpan" allowInfinite="true" validationType="timeSpanRange" validationParameter="0,86400,1" />`,
	`<attribute name="t" type="timeSpan" timeSpanFormat="seconds" />`,
	`<attribute name="t" type="timeSpan" timeSpanFormat="minutes" allowInfinite="true" />`,
	`<attribute name="f" type="flags"><flag name="Unknown" value="0" /><flag name="HttpSoap" value="1" />
		<flag name="HttpGet" value="2" /><flag name="HttpSoap12" value="32" /><flag name="AnyHttpSoap" value="33" /></attribute>`,
	`<attribute name="f" type="flags"><flag name="File" value="1" /><flag name="ETW" value="2" /></attribute>`,
	`<attribute name="e" type="enum"><enum name="A" value="0" /><enum name="b" value="7" /><enum name="true" value="0" /></attribute>`,
	`<attribute name="n" type="int" allowInfinite="true" validationType="integerRange" validationParameter="0,1023,exclude" />`,
}

// FuzzNormalize checks that parsing never panics and that canonical text
// is a fixed point: Normalize(Normalize(x)) == Normalize(x).
func FuzzNormalize(f *testing.F) {
	seeds := []string{
		"00:00:30", "29:00:00", "1.05:00:00", "-1.02:03:04.5", "1:02:03:04", "10:30",
		"Infinite", "10675199.02:48:05.4775807", "-10675199.02:48:05.4775808", "00:00:00.0000001",
		"90", "-5", "ETW, File", "file,etw", "3", "35", "HttpSoap,HttpSoap12", "", " , ", "A", "7", "TRUE",
	}
	for i := range fuzzAttrs {
		for _, s := range seeds {
			f.Add(uint8(i), s)
		}
	}
	attrs := make([]*Attribute, len(fuzzAttrs))
	for i, def := range fuzzAttrs {
		attrs[i] = attrOf(f, def)
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		a := attrs[int(which)%len(attrs)]
		out, err := a.Normalize(in)
		if err != nil {
			return
		}
		again, err := a.Normalize(out)
		if err != nil || again != out {
			t.Fatalf("%s: Normalize(%q) = %q, but Normalize(%q) = %q, %v", a.Name, in, out, out, again, err)
		}
		if !a.Equal(in, out) {
			t.Fatalf("%s: Equal(%q, %q) = false", a.Name, in, out)
		}
	})
}

// Schema files are user input: Add never panics, and a file it rejects
// leaves the schema as it was.
func FuzzSchemaAdd(f *testing.F) {
	f.Add([]byte(`<configSchema><sectionSchema name="a/b"><attribute name="x" type="uint" defaultValue="1" validationType="integerRange" validationParameter="0,5" /><collection addElement="add" removeElement="remove"><attribute name="k" type="string" isUniqueKey="true" /></collection></sectionSchema></configSchema>`))
	f.Add([]byte("\xff\xfe<\x00c\x00/\x00>\x00"))
	f.Add([]byte(`<?xml version="1.0" encoding="utf-16"?><configSchema/>`))
	if data, err := builtinFiles.ReadFile("builtin/webServer.xml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &Schema{}
		if err := s.Add("keep.xml", []byte(`<configSchema><sectionSchema name="keep"/></configSchema>`)); err != nil {
			t.Fatal(err)
		}
		if err := s.Add("fuzz.xml", data); err != nil {
			if got := s.Names(); len(got) != 1 || got[0] != "keep" {
				t.Fatalf("a rejected file changed the schema: %v", got)
			}
		}
	})
}
