// Package include holds mpgs.h, the header of the libmpgs this module links.
package include
