// args: --loop-bound 6
i = 0;
while (i < n) {
  j = 0;
  while (j < m) {
    if (i * j == 12) return 1;
    j = j + 1;
  }
  i = i + 1;
}
return 0;
