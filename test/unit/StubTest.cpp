#include <gtest/gtest.h>
TEST(Stub, Stub) { EXPECT_TRUE(true); }
