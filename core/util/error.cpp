#include "core/util/error.hpp"
