package refdoc

// SectionDecl is one section of the built-in schema: where its facts come
// from and how the default applicationHost.config declares it.
type SectionDecl struct {
	Name string
	// Source is "ref" for the IIS configuration reference pages, or the
	// name of a schema file in ../shared/iis-schema whose facts (names,
	// types, defaults, enums, validators, collection keys) are used.
	Source string
	// OverrideModeDefault and AllowDefinition as a stock IIS 10 server
	// declares the section (../shared/corpus/apphost-full), or
	// machine.config for system.web and the .NET sections. Empty means
	// the IIS default (Allow, Everywhere).
	OverrideModeDefault string
	AllowDefinition     string
	// NotDeclared sections are in the schema but not in the default
	// applicationHost.config (IIS declares them in administration.config).
	NotDeclared bool
}

// Sections lists every built-in section, in the order the default
// applicationHost.config declares them (groups are built from the names).
var Sections = []SectionDecl{
	{Name: "system.applicationHost/applicationPools", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/configHistory", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/customMetadata", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/listenerAdapters", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/log", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/serviceAutoStartProviders", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/sites", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.applicationHost/webLimits", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},

	{Name: "system.webServer/applicationInitialization", Source: "ref", OverrideModeDefault: "Allow", AllowDefinition: "MachineToApplication"},
	{Name: "system.webServer/aspNetCore", Source: "aspnetcore_schema_v2.xml", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/asp", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/caching", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/cgi", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/defaultDocument", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/directoryBrowse", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/diskCache", Source: "arr_schema.xml", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.webServer/fastCgi", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.webServer/globalModules", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.webServer/handlers", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/httpCompression", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/httpErrors", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/httpLogging", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/httpProtocol", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/httpRedirect", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/httpTracing", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/isapiFilters", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "MachineToApplication"},
	{Name: "system.webServer/management/authentication", Source: "ref", NotDeclared: true},
	{Name: "system.webServer/management/authorization", Source: "ref", NotDeclared: true},
	{Name: "system.webServer/management/trustedProviders", Source: "ref", NotDeclared: true},
	{Name: "system.webServer/modules", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "MachineToApplication"},
	{Name: "system.webServer/odbcLogging", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/proxy", Source: "arr_schema.xml", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.webServer/rewrite/allowedServerVariables", Source: "rewrite_schema.xml", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/rewrite/globalRules", Source: "rewrite_schema.xml", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.webServer/rewrite/outboundRules", Source: "rewrite_schema.xml", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/rewrite/providers", Source: "rewrite_schema.xml", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/rewrite/rewriteMaps", Source: "rewrite_schema.xml", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/rewrite/rules", Source: "rewrite_schema.xml", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/security/access", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/applicationDependencies", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authentication/anonymousAuthentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authentication/basicAuthentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authentication/clientCertificateMappingAuthentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authentication/digestAuthentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authentication/iisClientCertificateMappingAuthentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authentication/windowsAuthentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/authorization", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/security/dynamicIpSecurity", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/ipSecurity", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/security/isapiCgiRestriction", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.webServer/security/requestFiltering", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/serverRuntime", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/serverSideInclude", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/staticContent", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/tracing/traceFailedRequests", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/tracing/traceProviderDefinitions", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/urlCompression", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/validation", Source: "ref", OverrideModeDefault: "Allow"},
	{Name: "system.webServer/webdav/authoring", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/webdav/authoringRules", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/webdav/globalSettings", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.webServer/webSocket", Source: "ref", OverrideModeDefault: "Deny"},

	{Name: "webFarms", Source: "arr_schema.xml", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	// In redirection.config on a server.
	{Name: "configurationRedirection", Source: "ref", NotDeclared: true},

	{Name: "system.ftpServer/caching", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.ftpServer/firewallSupport", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.ftpServer/log", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},
	{Name: "system.ftpServer/providerDefinitions", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.ftpServer/security/authentication", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.ftpServer/security/authorization", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.ftpServer/security/ipSecurity", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.ftpServer/security/requestFiltering", Source: "ref", OverrideModeDefault: "Deny"},
	{Name: "system.ftpServer/serverRuntime", Source: "ref", OverrideModeDefault: "Deny", AllowDefinition: "AppHostOnly"},

	// ASP.NET and .NET sections: a server declares them in machine.config,
	// not in applicationHost.config, so the default file leaves them out
	// (configstore treats machine.config's groups as declared); the values
	// below are machine.config's, for reference.
	{Name: "system.web/authentication", Source: "ASPNET_schema.xml", AllowDefinition: "MachineToApplication", NotDeclared: true},
	{Name: "system.web/authorization", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/compilation", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/customErrors", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/globalization", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/httpCookies", Source: "ASPNET_schema.xml", NotDeclared: true},
	// httpHandlers and httpModules: what migrate config moves to
	// system.webServer (appcmd.md), so it works without schema files.
	{Name: "system.web/httpHandlers", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/httpModules", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/httpRuntime", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/machineKey", Source: "ASPNET_schema.xml", AllowDefinition: "MachineToApplication", NotDeclared: true},
	{Name: "system.web/membership", Source: "FX_schema.xml", NotDeclared: true},
	{Name: "system.web/pages", Source: "ASPNET_schema.xml", NotDeclared: true},
	{Name: "system.web/roleManager", Source: "FX_schema.xml", NotDeclared: true},
	{Name: "system.web/sessionState", Source: "ASPNET_schema.xml", AllowDefinition: "MachineToApplication", NotDeclared: true},
	{Name: "system.web/trust", Source: "ASPNET_schema.xml", AllowDefinition: "MachineToApplication", NotDeclared: true},
	{Name: "appSettings", Source: "FX_schema.xml", NotDeclared: true},
	{Name: "connectionStrings", Source: "FX_schema.xml", NotDeclared: true},
}

// Decision settles what a reference page leaves vague. Path is the element
// path (section name, then element names; collection items by their add
// element name), Attr an attribute of it or "".
type Decision struct {
	Path, Attr string
	// Field is what is decided:
	//   item      the collection item's add element name (Value)
	//   remove    the collection's remove element name ("" for none)
	//   clear     the collection's clear element name ("" for none)
	//   key       comma-separated key attributes of the item at Path
	//   type      the attribute's type
	//   default   the attribute's default value
	//   required  "true" or "false"
	//   skip      leave the element (or attribute) out
	//   defaults  the element is a collection default (isCollectionDefault)
	//   name      the attribute's name as configuration files spell it
	//   notCollection  the element is not a collection despite its children
	//   allowUnrecognized  the element or collection item takes any attribute
	//   encrypted  the attribute is stored encrypted
	//   range      the attribute's integer range, "min,max" (integerRange)
	Field, Value string
	Why          string
}

// Decisions is the one table of what the generator decided where the
// reference pages are vague or wrong.
var Decisions = []Decision{
	// Collections whose items are not <add>: the index page lists the item
	// element among its children without saying it is the add directive.
	{Path: "system.applicationHost/sites", Field: "item", Value: "site", Why: "the page describes <site> as the collection of sites"},
	{Path: "system.applicationHost/sites/site", Field: "item", Value: "application", Why: "a site is a collection of applications"},
	{Path: "system.applicationHost/sites/site/application", Field: "item", Value: "virtualDirectory", Why: "an application is a collection of virtual directories"},
	{Path: "system.applicationHost/sites/site/bindings", Field: "item", Value: "binding", Why: "bindings holds <binding> items"},
	{Path: "system.applicationHost/sites/siteDefaults/bindings", Field: "item", Value: "binding", Why: "as site/bindings"},
	{Path: "system.applicationHost/sites/site/ftpServer/sessions", Field: "skip", Why: "runtime state (current FTP sessions), not stored configuration"},
	{Path: "system.applicationHost/customMetadata", Field: "item", Value: "key", Why: "customMetadata holds <key> items"},
	{Path: "system.applicationHost/customMetadata/key", Field: "item", Value: "property", Why: "a key holds <property> items"},
	{Path: "system.webServer/fastCgi", Field: "item", Value: "application", Why: "fastCgi holds <application> items"},
	{Path: "system.webServer/fastCgi/application/environmentVariables", Field: "item", Value: "environmentVariable", Why: "the child is <environmentVariable>"},
	{Path: "system.webServer/httpCompression", Field: "item", Value: "scheme", Why: "httpCompression holds <scheme> items beside staticTypes/dynamicTypes"},
	{Path: "system.webServer/httpErrors", Field: "item", Value: "error", Why: "httpErrors holds <error> items"},
	{Path: "system.webServer/isapiFilters", Field: "item", Value: "filter", Why: "isapiFilters holds <filter> items"},
	{Path: "system.webServer/staticContent", Field: "item", Value: "mimeMap", Why: "staticContent holds <mimeMap> items"},
	{Path: "system.webServer/security/applicationDependencies", Field: "item", Value: "application", Why: "applicationDependencies holds <application> items"},
	{Path: "system.webServer/security/requestFiltering/filteringRules", Field: "item", Value: "filteringRule", Why: "filteringRules holds <filteringRule> items"},
	{Path: "system.webServer/security/authentication/windowsAuthentication/extendedProtection", Field: "item", Value: "spn", Why: "extendedProtection holds <spn> items"},
	{Path: "system.webServer/security/authentication/windowsAuthentication/extendedProtection", Field: "remove", Value: "removeSpn", Why: "the page names removeSpn and clearSpns without pages of their own"},
	{Path: "system.webServer/security/authentication/windowsAuthentication/extendedProtection", Field: "clear", Value: "clearSpns", Why: "as removeSpn"},
	{Path: "system.webServer/management/authorization/authorizationRules", Field: "item", Value: "scope", Why: "authorizationRules holds <scope> items"},
	{Path: "system.ftpServer/providerDefinitions/activation", Field: "item", Value: "providerData", Why: "activation holds <providerData> items"},

	// Collection keys: the pages mark no key; the required attributes are
	// taken otherwise, which is wrong for these (an item is identified by
	// what the add page describes as its identity).
	{Path: "system.applicationHost/customMetadata/key", Field: "key", Value: "path", Why: "the identity of an item"},
	{Path: "system.applicationHost/customMetadata/key/property", Field: "key", Value: "id", Why: "the identity of an item"},
	{Path: "system.applicationHost/serviceAutoStartProviders/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.applicationHost/sites/site/ftpServer/security/commandFiltering/add", Field: "key", Value: "command", Why: "the identity of an item"},
	{Path: "system.applicationHost/sites/siteDefaults/ftpServer/security/commandFiltering/add", Field: "key", Value: "command", Why: "the identity of an item"},
	{Path: "system.ftpServer/security/authorization/add", Field: "key", Value: "users,roles,permissions", Why: "the identity of an item"},
	{Path: "system.ftpServer/security/ipSecurity/add", Field: "key", Value: "ipAddress,subnetMask,domainName", Why: "the identity of an item"},
	{Path: "system.ftpServer/security/requestFiltering/fileExtensions/add", Field: "key", Value: "fileExtension", Why: "the identity of an item"},
	{Path: "system.webServer/fastCgi/application", Field: "key", Value: "fullPath,arguments", Why: "the identity of an item"},
	{Path: "system.webServer/fastCgi/application/environmentVariables/environmentVariable", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/httpCompression/staticTypes/add", Field: "key", Value: "mimeType", Why: "the identity of an item"},
	{Path: "system.webServer/httpCompression/dynamicTypes/add", Field: "key", Value: "mimeType", Why: "the identity of an item"},
	{Path: "system.webServer/httpCompression/scheme", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/httpTracing/traceUrls/add", Field: "key", Value: "value", Why: "the identity of an item"},
	{Path: "system.webServer/isapiFilters/filter", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/security/applicationDependencies/application", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/security/applicationDependencies/application/add", Field: "key", Value: "groupId", Why: "the identity of an item"},
	{Path: "system.webServer/security/authentication/iisClientCertificateMappingAuthentication/manyToOneMappings/add/rules/add", Field: "key", Value: "certificateField,certificateSubField,matchCriteria,compareCaseSensitive", Why: "the identity of an item"},
	{Path: "system.webServer/security/isapiCgiRestriction/add", Field: "key", Value: "path", Why: "the identity of an item"},
	{Path: "system.webServer/tracing/traceProviderDefinitions/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/tracing/traceProviderDefinitions/add/areas/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/webdav/authoring/properties/add", Field: "key", Value: "xmlNamespace", Why: "the identity of an item"},
	{Path: "system.webServer/tracing/traceFailedRequests/add", Field: "key", Value: "path", Why: "the identity of an item"},
	{Path: "system.webServer/management/authentication/credentials/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/management/authentication/providers/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/management/authorization/providers/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/management/trustedProviders/add", Field: "key", Value: "", Why: "the page marks type required, but trusted providers may repeat a type"},
	{Path: "system.webServer/webdav/authoringRules/add", Field: "key", Value: "users,roles,path", Why: "the identity of an item"},
	{Path: "system.webServer/webdav/globalSettings/propertyStores/add", Field: "key", Value: "name", Why: "the identity of an item"},
	{Path: "system.webServer/webdav/globalSettings/lockStores/add", Field: "key", Value: "name", Why: "the identity of an item"},

	// Attribute names spelt in the page's table with another case than in
	// configuration files (the samples on the same pages use the other).
	{Path: "system.applicationHost/customMetadata/key/property", Attr: "Value", Field: "name", Value: "value", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/fastCgi/application/environmentVariables/environmentVariable", Attr: "Value", Field: "name", Value: "value", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/httpTracing/traceUrls/add", Attr: "Value", Field: "name", Value: "value", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/tracing/traceProviderDefinitions/add/areas/add", Attr: "Value", Field: "name", Value: "value", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/security/applicationDependencies/application", Attr: "Name", Field: "name", Value: "name", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/security/applicationDependencies/application", Attr: "groupID", Field: "name", Value: "groupId", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/security/applicationDependencies/application/add", Attr: "groupID", Field: "name", Value: "groupId", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/security/authentication/iisClientCertificateMappingAuthentication/manyToOneMappings/add", Attr: "username", Field: "name", Value: "userName", Why: "spelling of the configuration samples"},
	{Path: "system.webServer/defaultDocument/files/add", Attr: "name", Field: "name", Value: "value", Why: "the page's table says name, its samples and configuration files use value"},
	{Path: "system.webServer/security/authentication/iisClientCertificateMappingAuthentication/oneToOneMappings/add", Attr: "username", Field: "name", Value: "userName", Why: "spelling of the configuration samples"},

	// Collections and their directives the pages get wrong or leave out.
	{Path: "system.webServer/httpCompression/scheme", Field: "notCollection", Why: "the scheme page lists clear, but a scheme has no items"},
	{Path: "system.webServer/httpCompression", Field: "remove", Value: "remove", Why: "schemes are removed and cleared like other collections"},
	{Path: "system.webServer/httpCompression", Field: "clear", Value: "clear", Why: "as remove"},
	{Path: "system.webServer/webdav/authoring/locks", Field: "allowUnrecognized", Why: "lock store providers read their own attributes"},
	{Path: "system.webServer/webdav/authoring/properties", Field: "allowUnrecognized", Why: "property store providers read their own attributes"},
	{Path: "system.webServer/webdav/globalSettings/propertyStores", Field: "allowUnrecognized", Why: "as properties"},
	{Path: "system.webServer/webdav/globalSettings/lockStores", Field: "allowUnrecognized", Why: "as locks"},
	{Path: "system.webServer/management/authentication/providers", Field: "allowUnrecognized", Why: "providers read their own attributes"},
	{Path: "system.webServer/management/authorization/providers", Field: "allowUnrecognized", Why: "providers read their own attributes"},
	{Path: "system.applicationHost/sites/site/ftpServer", Attr: "state", Field: "skip", Why: "runtime state of the FTP site, not stored"},
	{Path: "system.applicationHost/sites/site/ftpServer", Attr: "lastStartupStatus", Field: "skip", Why: "runtime state of the FTP site, not stored"},
	{Path: "system.applicationHost/sites/site/ftpServer/FlushLog", Field: "skip", Why: "a method, not configuration"},
	{Path: "system.applicationHost/sites/site/ftpServer/Start", Field: "skip", Why: "a method, not configuration"},
	{Path: "system.applicationHost/sites/site/ftpServer/Stop", Field: "skip", Why: "a method, not configuration"},
	// Types and defaults the pages state wrongly or not at all.
	{Path: "system.applicationHost/sites/site/ftpServer/connections", Attr: "maxBandwidth", Field: "type", Value: "uint", Why: "the page gives no type; a byte rate like the site's limits.maxBandwidth"},
	{Path: "system.applicationHost/sites/siteDefaults/ftpServer/connections", Attr: "maxBandwidth", Field: "type", Value: "uint", Why: "as site/ftpServer/connections"},
	{Path: "system.webServer/webdav/authoring/properties/add", Attr: "xmlNamespace", Field: "default", Value: "", Why: "a required string; the page's default false is a copy slip"},
	{Path: "system.webServer/webdav/authoring/properties/add", Attr: "propertyStore", Field: "default", Value: "", Why: "as xmlNamespace"},

	// Secrets the pages call plain strings; IIS stores them encrypted, and
	// appcmd must not write them in clear.
	{Path: "system.applicationHost/sites/site/ftpServer/security/authentication/anonymousAuthentication", Attr: "password", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	{Path: "system.applicationHost/sites/siteDefaults/ftpServer/security/authentication/anonymousAuthentication", Attr: "password", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	{Path: "system.ftpServer/providerDefinitions/activation/providerData/add", Attr: "encryptedValue", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	{Path: "system.webServer/odbcLogging", Attr: "password", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	{Path: "configurationRedirection", Attr: "password", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	{Path: "configurationRedirection", Attr: "password", Field: "default", Value: "[enc:IISRsaProvider::enc]", Why: "redirection.config's secrets use the RSA provider"},
	{Path: "system.webServer/security/authentication/iisClientCertificateMappingAuthentication/manyToOneMappings/add", Attr: "password", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	{Path: "system.webServer/security/authentication/iisClientCertificateMappingAuthentication/oneToOneMappings/add", Attr: "password", Field: "encrypted", Why: "a secret: IIS stores it encrypted"},
	// Defaults where a page disagrees with IIS 10 (the schema files IIS
	// ships are the oracle; TestBuiltinMatchesIIS compares with them).
	{Path: "system.applicationHost/sites/site/ftpServer/connections", Attr: "maxBandwidth", Field: "default", Value: "4294967295", Why: "the page states none; IIS 10 ships unlimited"},
	{Path: "system.applicationHost/sites/siteDefaults/ftpServer/connections", Attr: "maxBandwidth", Field: "default", Value: "4294967295", Why: "as site/ftpServer/connections"},
	{Path: "system.applicationHost/sites/site/ftpServer/security/authentication/basicAuthentication", Attr: "defaultLogonDomain", Field: "default", Value: "", Why: "the page says NT AUTHORITY; IIS 10 ships it empty"},
	{Path: "system.applicationHost/sites/siteDefaults/ftpServer/security/authentication/basicAuthentication", Attr: "defaultLogonDomain", Field: "default", Value: "", Why: "as site/ftpServer"},
	{Path: "system.webServer/asp", Attr: "scriptErrorMessage", Field: "default", Value: `An error occurred on the server when processing the URL. Please contact the system administrator. <p/> If you are the system administrator please click <a href="http://go.microsoft.com/fwlink/?LinkID=82731">here</a> to find out more about this error.`, Why: "the page shows the message without its HTML tail"},
	{Path: "system.webServer/httpCompression/staticTypes/add", Attr: "enabled", Field: "default", Value: "false", Why: "the page says true; IIS 10 ships false (entries say enabled=\"true\" explicitly)"},
	{Path: "system.webServer/httpCompression/dynamicTypes/add", Attr: "enabled", Field: "default", Value: "false", Why: "as staticTypes"},
	{Path: "system.webServer/tracing/traceFailedRequests/add/traceAreas/add", Attr: "verbosity", Field: "default", Value: "Warning", Why: "the page says Verbose; IIS 10 ships Warning"},
	{Path: "system.webServer/webdav/authoringRules", Attr: "allowNonMimeMapFiles", Field: "default", Value: "true", Why: "the page says false; IIS 10 ships true"},
	{Path: "system.webServer/webdav/authoringRules/add", Attr: "access", Field: "default", Value: "Read", Why: "the page says None; IIS 10 ships Read"},
	{Path: "system.webServer/tracing/traceFailedRequests/add", Attr: "path", Field: "required", Value: "false", Why: "the page says required; IIS 10 does not require it (it is the key)"},
	// Ranges stated on a page (the generator reads "in the range from 10
	// through 3600" as an integerRange) that are narrower than IIS 10's.
	{Path: "system.webServer/fastCgi/application", Attr: "idleTimeout", Field: "range", Value: "10,2592000", Why: "the page's 604800 is IIS 7's limit; IIS 10 accepts up to 30 days"},
	{Path: "system.webServer/fastCgi/application", Attr: "activityTimeout", Field: "range", Value: "10,2592000", Why: "the page's 3600 is IIS 7's limit; IIS 10 accepts up to 30 days"},
	{Path: "system.webServer/fastCgi/application", Attr: "requestTimeout", Field: "range", Value: "10,2592000", Why: "the page's 604800 is IIS 7's limit; IIS 10 accepts up to 30 days"},
	{Path: "system.webServer/fastCgi/application", Attr: "queueLength", Field: "range", Value: "1,100000000", Why: "the page says 10000000; IIS 10 accepts ten times more"},
}

// Decided returns the value decided for an element path, attribute ("" for
// the element itself) and field.
func Decided(path, attr, field string) (string, bool) {
	if d := find(path, attr, field); d != nil {
		return d.Value, true
	}
	return "", false
}

// Why returns the reason recorded for a decision, or "".
func Why(path, attr, field string) string {
	if d := find(path, attr, field); d != nil {
		return d.Why
	}
	return ""
}

func find(path, attr, field string) *Decision {
	for i := range Decisions {
		if d := &Decisions[i]; d.Path == path && d.Attr == attr && d.Field == field {
			return d
		}
	}
	return nil
}
