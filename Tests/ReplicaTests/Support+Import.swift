// The shared process and HTTP helpers (Tests/Support) for every file of this target.
@_exported import TestSupport
