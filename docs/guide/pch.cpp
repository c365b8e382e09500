// Compiles the precompiled <keras/keras.h> that every guide sample reuses.
#include <keras/keras.h>
