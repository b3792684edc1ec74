package cmd

// Verb help for the objects of docs/objects.md, added to help.go's table.

func init() {
	type details = struct{ ident, params, examples string }
	listParams := `  /<property>:<value>  Only objects whose property (or configuration
                       attribute, dotted for child elements) has this
                       value; several are ANDed.
  /config<:*>          Also show the configuration element (with :*
                       inherited and default values).
  /text:*              Every property; /text:<property> one value each.
  /xml                 Records for a command that uses /in.
  /in or -             Select the objects named by records on stdin.
  -json                JSON (docs/output.md).`
	changeParams := `  -whatif              Print the diff of what would change, write nothing.
  -json                One JSON result: changed, files, messages.`
	for k, d := range map[string]details{
		"SITE list":        {"<name or URL>", listParams, "  appcmd list sites\n  appcmd list site /serverAutoStart:false\n  appcmd list site \"Default Web Site\" /config /xml"},
		"APP list":         {"<site>/<path>", listParams, "  appcmd list apps /site.name:\"Default Web Site\"\n  appcmd list apps /apppool.name:DefaultAppPool"},
		"VDIR list":        {"<site>/<app path>/<vdir path>", listParams, "  appcmd list vdirs /app.name:\"Default Web Site/\"\n  appcmd list vdirs /text:physicalPath"},
		"APPPOOL list":     {"<name>", listParams, "  appcmd list apppools /managedPipelineMode:Classic\n  appcmd list apppool DefaultAppPool /text:*"},
		"MODULE list":      {"<name>", "  /app.name:<app>      Modules enabled for that application.\n" + listParams, "  appcmd list modules\n  appcmd list modules /app.name:\"Default Web Site/\""},
		"BACKUP list":      {"<name>", listParams, "  appcmd list backups"},
		"SITE add":         {"[<name>]", "  /name:<name>         Required.\n  /id:<n>              Default: one more than the highest id.\n  /bindings:<list>     http/*:80:,https/*:443:host or URLs (http://*:80).\n  /physicalPath:<dir>  Also create the root application and directory.\n  /<attribute>:<value> Any site property (/logFile.directory:...).\n  /in                  Add the SITE records read from stdin.\n" + changeParams, "  appcmd add site /name:Contoso /bindings:http/*:81: /physicalPath:C:\\contoso"},
		"APP add":          {"/site.name:<site> /path:/<path>", "  /site.name:<site>    Required.\n  /path:/<path>        Required.\n  /physicalPath:<dir>  Also create the root virtual directory.\n  /applicationPool:<pool>\n  /in                  Add the APP records read from stdin.\n" + changeParams, "  appcmd add app /site.name:Contoso /path:/app1 /physicalPath:C:\\app1"},
		"VDIR add":         {"/app.name:<app> /path:/<path>", "  /app.name:<site>/<path>  Required.\n  /path:/<path>            Required.\n  /physicalPath:<dir>\n" + changeParams, "  appcmd add vdir /app.name:Contoso/app1 /path:/images /physicalPath:D:\\images"},
		"APPPOOL add":      {"[<name>]", "  /name:<name>         Required.\n  /managedRuntimeVersion:v4.0|\"\"  /managedPipelineMode:Integrated|Classic\n  /<attribute>:<value> Any pool property (/processModel.identityType:...).\n" + changeParams, "  appcmd add apppool /name:MyPool /managedRuntimeVersion:v4.0"},
		"SITE set":         {"<name or URL>", "  /<attribute>:<value>, /+bindings.[protocol='..',bindingInformation='..'],\n  /-bindings.[...], /bindings:<list> (replaces the list),\n  /[path='/'].applicationPool:<pool>\n  /in                  Apply the records read from stdin.\n" + changeParams, "  appcmd set site Contoso /+bindings.[protocol='https',bindingInformation='*:443:']"},
		"APP set":          {"<site>/<path>", "  /<attribute>:<value>  e.g. /applicationPool:<pool>\n" + changeParams, "  appcmd set app \"Default Web Site/\" /applicationPool:MyPool"},
		"VDIR set":         {"<site>/<app path>/<vdir path>", "  /<attribute>:<value>  e.g. /physicalPath:<dir>\n" + changeParams, "  appcmd set vdir \"Default Web Site/\" /physicalPath:C:\\www"},
		"APPPOOL set":      {"<name>", "  /<attribute>:<value>  Dotted for child elements.\n" + changeParams, "  appcmd set apppool MyPool /processModel.identityType:NetworkService"},
		"SITE delete":      {"<name>", "  Deletes the site with its applications and virtual directories.\n" + changeParams, "  appcmd delete site Contoso"},
		"APP delete":       {"<site>/<path>", changeParams, "  appcmd delete app Contoso/app1"},
		"VDIR delete":      {"<site>/<app path>/<vdir path>", changeParams, "  appcmd delete vdir Contoso/app1/images"},
		"APPPOOL delete":   {"<name>", changeParams, "  appcmd delete apppool MyPool"},
		"MODULE add":       {"[<name>]", "  /name:<name> /type:<managed type> /preCondition:<p> /app.name:<app> /commit:<target>\n" + changeParams, "  appcmd add module /name:MyModule /type:My.Module"},
		"MODULE delete":    {"<name>", "  /app.name:<app> /commit:<target>\n" + changeParams, "  appcmd delete module MyModule"},
		"MODULE install":   {"[<name>]", "  /name:<name> /image:<dll> /preCondition:<p> /add:false (register only)\n" + changeParams, "  appcmd install module /name:MyNative /image:C:\\modules\\my.dll"},
		"MODULE uninstall": {"<name>", changeParams, "  appcmd uninstall module MyNative"},
		"BACKUP add":       {"<name>", "  Default name: the local time, yyyyMMddTHHmmss.\n" + changeParams, "  appcmd add backup MyBackup"},
		"BACKUP restore":   {"<name>", "  Also history entries (CFGHISTORY_NNNNNNNNNN).\n" + changeParams, "  appcmd restore backup MyBackup"},
		"BACKUP delete":    {"<name>", changeParams, "  appcmd delete backup MyBackup"},
	} {
		verbDetails[k] = d
	}
}
