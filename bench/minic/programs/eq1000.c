if (a == 1000) return 1;
