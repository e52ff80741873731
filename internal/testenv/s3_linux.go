package testenv

import "syscall"

// dieWithParent has the kernel kill a server started for tests when the
// test binary dies (a timeout's panic, a kill), so none is left running.
func dieWithParent() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
