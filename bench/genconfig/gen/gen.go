// Package gen generates large, realistic applicationHost.config files for
// benchmarks: the built-in template (every section it declares) plus N
// application pools, N sites and a <location> tag per site, with CRLF line
// endings and four-space indentation as IIS writes them.
//
// Site K (1-based) is named "SiteK", runs in "PoolK", has a root
// application and an "/api" application, an http binding with a host header
// and an https binding. Its <location path="SiteK"> holds directoryBrowse,
// defaultDocument, anonymousAuthentication and, for even K only, a
// <webSocket> element, so a benchmark can edit both an existing element
// (even K) and a missing one (odd K). The existing pingInterval is never
// 00:00:30, the value the benchmark sets. Everything else that varies is
// drawn from a seeded generator, so the same (sites, seed) always gives the
// same bytes.
package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// TemplatePath is the path the template's {{WWWROOT}} and {{LOGDIR}} are
// resolved against; it only shows in the generated text.
const TemplatePath = `/srv/appcmd/applicationHost.config`

// HasWebSocket reports whether SiteK's location has a <webSocket> element.
func HasWebSocket(k int) bool { return k%2 == 0 }

// Generate writes an applicationHost.config with n sites to w.
func Generate(w io.Writer, n int, seed uint64) error {
	tmpl := configstore.DefaultConfig(TemplatePath)
	const nl = "\r\n"
	// Splice points in the template: after DefaultAppPool, after Default
	// Web Site's </site>, and before </configuration>.
	poolAt := indexAfter(tmpl, `<add name="DefaultAppPool" />`+nl)
	siteAt := indexAfter(tmpl, `</site>`+nl)
	locAt := bytes.LastIndex(tmpl, []byte("</configuration>"))
	if poolAt < 0 || siteAt < 0 || locAt < 0 || !(poolAt < siteAt && siteAt < locAt) {
		return fmt.Errorf("gen: the built-in template changed shape; update bench/genconfig/gen")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	bw.Write(tmpl[:poolAt])
	for k := 1; k <= n; k++ {
		writePool(bw, r, k)
	}
	bw.Write(tmpl[poolAt:siteAt])
	for k := 1; k <= n; k++ {
		writeSite(bw, r, k)
	}
	bw.Write(tmpl[siteAt:locAt])
	for k := 1; k <= n; k++ {
		writeLocation(bw, r, k)
	}
	bw.Write(tmpl[locAt:])
	return bw.Flush()
}

// Bytes returns the generated file.
func Bytes(n int, seed uint64) []byte {
	var b bytes.Buffer
	b.Grow(n*2600 + 16<<10)
	if err := Generate(&b, n, seed); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func indexAfter(b []byte, s string) int {
	i := bytes.Index(b, []byte(s))
	if i < 0 {
		return -1
	}
	return i + len(s)
}

const (
	i3 = "            "             // 3 levels
	i4 = "                "         // 4 levels
	i5 = "                    "     // 5 levels
	i6 = "                        " // 6 levels
)

func writePool(w *bufio.Writer, r *rand.Rand, k int) {
	switch r.IntN(4) {
	case 0: // the common one-liner
		fmt.Fprintf(w, "%s<add name=\"Pool%d\" managedRuntimeVersion=\"v4.0\" />\r\n", i3, k)
	case 1:
		fmt.Fprintf(w, "%s<add name=\"Pool%d\" managedRuntimeVersion=\"v4.0\" managedPipelineMode=\"Integrated\" />\r\n", i3, k)
	case 2:
		fmt.Fprintf(w, "%s<add name=\"Pool%d\" managedRuntimeVersion=\"v4.0\" startMode=\"AlwaysRunning\">\r\n", i3, k)
		fmt.Fprintf(w, "%s<processModel identityType=\"ApplicationPoolIdentity\" idleTimeout=\"00:%02d:00\" loadUserProfile=\"true\" />\r\n", i4, 5+r.IntN(55))
		fmt.Fprintf(w, "%s<recycling>\r\n%s<periodicRestart time=\"1.%02d:00:00\" />\r\n%s</recycling>\r\n", i4, i5, r.IntN(24), i4)
		fmt.Fprintf(w, "%s</add>\r\n", i3)
	default:
		fmt.Fprintf(w, "%s<add name=\"Pool%d\" managedRuntimeVersion=\"v4.0\">\r\n", i3, k)
		fmt.Fprintf(w, "%s<processModel identityType=\"SpecificUser\" userName=\"svc-site%d\" maxProcesses=\"%d\" />\r\n", i4, k, 1+r.IntN(4))
		fmt.Fprintf(w, "%s</add>\r\n", i3)
	}
}

func writeSite(w *bufio.Writer, r *rand.Rand, k int) {
	host := fmt.Sprintf("site%d.example.com", k)
	root := fmt.Sprintf(`%%SystemDrive%%\inetpub\sites\site%d`, k)
	fmt.Fprintf(w, "%s<site name=\"Site%d\" id=\"%d\" serverAutoStart=\"%t\">\r\n", i3, k, k+1, r.IntN(10) != 0)
	fmt.Fprintf(w, "%s<application path=\"/\" applicationPool=\"Pool%d\">\r\n", i4, k)
	fmt.Fprintf(w, "%s<virtualDirectory path=\"/\" physicalPath=\"%s\\wwwroot\" />\r\n", i5, root)
	fmt.Fprintf(w, "%s</application>\r\n", i4)
	fmt.Fprintf(w, "%s<application path=\"/api\" applicationPool=\"Pool%d\">\r\n", i4, k)
	fmt.Fprintf(w, "%s<virtualDirectory path=\"/\" physicalPath=\"%s\\api\" />\r\n", i5, root)
	fmt.Fprintf(w, "%s</application>\r\n", i4)
	fmt.Fprintf(w, "%s<bindings>\r\n", i4)
	fmt.Fprintf(w, "%s<binding protocol=\"http\" bindingInformation=\"*:80:%s\" />\r\n", i5, host)
	fmt.Fprintf(w, "%s<binding protocol=\"https\" bindingInformation=\"*:443:%s\" sslFlags=\"1\" />\r\n", i5, host)
	fmt.Fprintf(w, "%s</bindings>\r\n", i4)
	if r.IntN(3) == 0 {
		fmt.Fprintf(w, "%s<logFile logFormat=\"W3C\" directory=\"%%SystemDrive%%\\logs\\site%d\" period=\"Daily\" />\r\n", i4, k)
	}
	if r.IntN(4) == 0 {
		fmt.Fprintf(w, "%s<limits connectionTimeout=\"00:0%d:00\" maxBandwidth=\"%d\" maxConnections=\"%d\" />\r\n", i4, 1+r.IntN(5), 1<<(20+r.IntN(6)), 100*(1+r.IntN(50)))
	}
	fmt.Fprintf(w, "%s</site>\r\n", i3)
}

var documents = []string{"index.html", "home.html", "default.aspx", "index.php", "start.htm"}

func writeLocation(w *bufio.Writer, r *rand.Rand, k int) {
	fmt.Fprintf(w, "    <location path=\"Site%d\">\r\n", k)
	fmt.Fprintf(w, "        <system.webServer>\r\n")
	fmt.Fprintf(w, "%s<directoryBrowse enabled=\"%t\" />\r\n", i3, r.IntN(5) == 0)
	fmt.Fprintf(w, "%s<defaultDocument>\r\n%s<files>\r\n", i3, i4)
	fmt.Fprintf(w, "%s<add value=\"%s\" />\r\n", i5, documents[r.IntN(len(documents))])
	fmt.Fprintf(w, "%s</files>\r\n%s</defaultDocument>\r\n", i4, i3)
	fmt.Fprintf(w, "%s<security>\r\n%s<authentication>\r\n", i3, i4)
	fmt.Fprintf(w, "%s<anonymousAuthentication enabled=\"%t\" />\r\n", i5, r.IntN(8) != 0)
	fmt.Fprintf(w, "%s</authentication>\r\n%s</security>\r\n", i4, i3)
	if HasWebSocket(k) {
		// Never 00:00:30, so the benchmark's edit always changes the file.
		fmt.Fprintf(w, "%s<webSocket enabled=\"true\" pingInterval=\"00:00:%02d\" />\r\n", i3, []int{0, 10, 15, 20, 45}[r.IntN(5)])
	}
	fmt.Fprintf(w, "        </system.webServer>\r\n")
	fmt.Fprintf(w, "    </location>\r\n")
}
