package refdoc

import (
	"reflect"
	"testing"
)

func TestParseRow(t *testing.T) {
	tests := []struct {
		name, desc string
		want       Attr
	}{
		{"enabled", "Optional Boolean attribute.<br><br>Enables it.<br><br>The default value is `true`.",
			Attr{Name: "enabled", Type: "bool", Default: "true", HasDefault: true}},
		{"allowUTF8", "Optional **Boolean** attribute.<br><br>**true** if UTF8 is enabled.<br><br>The default value is `true`.",
			Attr{Name: "allowUTF8", Type: "bool", Default: "true", HasDefault: true}},
		{"name", "Required string attribute.<br><br>A name.", Attr{Name: "name", Type: "string", Required: true}},
		{"maxConnections", "Optional unit attribute.<br><br>Typo in the page.",
			Attr{Name: "maxConnections", Type: "uint", Note: `typo "unit" read as uint`}},
		{"pingInterval", "Optional timeSpan attribute.<br><br>The default value is `00:00:00`.",
			Attr{Name: "pingInterval", Type: "timeSpan", Default: "00:00:00", HasDefault: true}},
		{"mode", "Optional enum attribute.<br><br>The default value is `LogAll`. <table> <tbody> <tr> <th>Value</th> <th>Description</th></tr> <tr> <th><code>LogAll</code></th> <td>All.<br><br>The numeric value is <code>0</code>.</td></tr> <tr> <th><code>LogError</code></th> <td>Errors.<br><br>The numeric value is <code>2</code>.</td></tr></tbody></table>",
			Attr{Name: "mode", Type: "enum", Default: "LogAll", HasDefault: true, Values: []Named{{"LogAll", "0"}, {"LogError", "2"}}}},
		{"showFlags", "Optional flags attribute.<br><br>The default values are `Date`, `Time`, `Size`, and `Extension`. <table><tr> <th><code>Date</code></th> <td>Dates.</td></tr></table>",
			Attr{Name: "showFlags", Type: "flags", Default: "Date,Time,Size,Extension", HasDefault: true, Values: []Named{{"Date", ""}}}},
		{"value", "The value.", Attr{Name: "value", Type: "string", Note: "no type stated; read as string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseRow(tt.name, tt.desc)
			if got.Desc != tt.desc {
				t.Errorf("Desc = %q, want the cell", got.Desc)
			}
			got.Desc = ""
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseRow = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	text := "# X\n## Configuration\n### Attributes\n\n| Attribute | Description |\n| --- | --- |\n" +
		"| `enabled` | Optional Boolean attribute.<br><br>The default value is `false`. |\n\n" +
		"### Child Elements\n\n| Element | Description |\n| --- | --- |\n| [`add`](add.md) | Optional element. |\n| `clear` | Optional element. |\n\n" +
		"### Configuration Sample\n| `notAnAttribute` | x |\n"
	p := ParsePage("system.webServer/thing/index.md", text)
	if !reflect.DeepEqual(p.Path, []string{"system.webServer", "thing"}) || !p.HasAttrs || len(p.Attrs) != 1 ||
		!reflect.DeepEqual(p.Children, []string{"add", "clear"}) {
		t.Errorf("ParsePage = %+v", p)
	}
}

// Every decision names a reason.
func TestDecisionsExplained(t *testing.T) {
	for _, d := range Decisions {
		if d.Why == "" || d.Path == "" || d.Field == "" {
			t.Errorf("decision without path, field or reason: %+v", d)
		}
	}
}
