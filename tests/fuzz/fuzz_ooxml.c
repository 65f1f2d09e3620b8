/* fuzz_ooxml.c - libFuzzer harness: lg_ooxml_extract() (xlsx, docx, pptx); the harness is fuzz_document.h */
#define FUZZ_NAME "fuzz_ooxml"
#define FUZZ_EXTRACT lg_ooxml_extract
#include "fuzz_document.h"
