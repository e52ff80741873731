// Command cubby runs the Cubby school community platform.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"cubby/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
