#!/bin/sh
# reads the event on stdin; exit 2 would block
cat > /dev/null
exit 0
