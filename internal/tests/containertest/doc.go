// Package containertest runs dumb-init where users run it: in containers
// built from the Dockerfiles under examples/ with the real Docker Engine, and
// under runc directly. The machines have no registry, so base images are made
// here: FROM scratch with busybox-static, and Debian roots made with
// debootstrap and loaded with docker import. Every container, image and
// bundle a test makes is removed when it ends.
//
// Its tests are the containers tier: go test -tags containers (scripts/test
// runs every tier).
package containertest
