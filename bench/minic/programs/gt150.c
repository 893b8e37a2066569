if (a > 150) return 1;
