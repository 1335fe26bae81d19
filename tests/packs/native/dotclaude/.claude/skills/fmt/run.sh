#!/bin/sh
make fmt
