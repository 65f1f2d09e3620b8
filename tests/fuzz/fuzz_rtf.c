/* fuzz_rtf.c - libFuzzer harness: lg_rtf_extract() (RTF text and tables); the harness is fuzz_document.h */
#define FUZZ_NAME "fuzz_rtf"
#define FUZZ_EXTRACT lg_rtf_extract
#include "fuzz_document.h"
