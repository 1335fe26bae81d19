#!/bin/sh
# Count the notes in the folder given (a skill script, run as is).
ls "${1:-.}" | wc -l
