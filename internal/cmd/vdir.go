package cmd

import "github.com/appcmd-project/appcmd/internal/iis"

// addVdir is add vdir /app.name:"S/app" /path:/dir [/physicalPath:P]
// [/attr:value ...].
var addVdir = addInside(vdirKind, "app.name", (*iis.Model).AddVDir)
