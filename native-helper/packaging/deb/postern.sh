#!/bin/sh
# The postern command: Postern's own Node.js runtime running the bundled CLI. A NODE_OPTIONS
# meant for some other Node (a --require, an inspector) must not reach this one.
unset NODE_OPTIONS
exec /usr/lib/postern/node /usr/lib/postern/postern.mjs "$@"
