#include <iostream>
int main() { std::cout << "deepfield-cli\n"; return 0; }
