package cmd

import (
	"github.com/appcmd-project/appcmd/internal/iis"
)

// The SITE, APP, VDIR, APPPOOL, MODULE and BACKUP objects are package
// iis's; cmd adds how each kind prints: the "(...)" part of the one-line
// form, the /text:* header properties, and the example of a set.

// objKind is an object type as cmd prints it.
type objKind struct {
	*iis.Kind
	text       []string // /text:* properties when not Attrs
	summary    func(o *iis.Object) string
	setExample string
}

var (
	siteKind = &objKind{Kind: iis.SiteKind, setExample: "serverAutoStart:false",
		summary: func(o *iis.Object) string {
			return "id:" + o.Prop("SITE.ID") + ",bindings:" + o.Prop("bindings") + ",state:" + o.Prop("state")
		}}
	appKind = &objKind{Kind: iis.AppKind, setExample: "applicationPool:DefaultAppPool",
		summary: func(o *iis.Object) string { return "applicationPool:" + o.Prop("APPPOOL.NAME") }}
	vdirKind = &objKind{Kind: iis.VDirKind, setExample: `physicalPath:C:\inetpub\wwwroot`,
		summary: func(o *iis.Object) string { return "physicalPath:" + o.Prop("physicalPath") }}
	poolKind = &objKind{Kind: iis.PoolKind, setExample: "managedPipelineMode:Integrated",
		// /text:* uses the configuration names, as in the verbatim
		// sample of the IIS docs (appcmd.md §6.2).
		text: []string{"APPPOOL.NAME", "managedPipelineMode", "managedRuntimeVersion", "state"},
		summary: func(o *iis.Object) string {
			return "MgdVersion:" + o.Prop("RuntimeVersion") + ",MgdMode:" + o.Prop("PipelineMode") + ",state:" + o.Prop("state")
		}}
	// The MODULE line format is UNCONFIRMED (docs/objects.md).
	moduleKind = &objKind{Kind: iis.ModuleKind,
		summary: func(o *iis.Object) string {
			kind := "native:true"
			if t := o.Prop("type"); t != "" {
				kind = "type:" + t
			}
			return " " + kind + ", preCondition:" + o.Prop("preCondition") + " "
		}}
	backupKind = &objKind{Kind: iis.BackupKind}
)

// textProps returns the /text:* header properties.
func (k *objKind) textProps() []string {
	if k.text != nil {
		return k.text
	}
	return k.Attrs
}
