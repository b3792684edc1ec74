//go:build !linux

package wsserver

import "net"

// peerUID: no portable peer credentials here; the socket's mode (0600)
// and its directory's (0700) keep other users out.
func peerUID(*net.UnixConn) (int, bool) { return 0, false }
