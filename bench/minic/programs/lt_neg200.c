if (a < -200) return 1;
