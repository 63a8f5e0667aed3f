/* The pcvm version, printed by -version. */
#ifndef PCVM_VERSION_H
#define PCVM_VERSION_H
#define PCVM_VERSION "0.1.0"
#endif
