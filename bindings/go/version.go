package mpgs

// PackageVersion is this module's version, which the libmpgs it links must have (written by
// scripts/dist-languages.sh from the workspace's version).
const PackageVersion = "0.1.0"
