// 12 independent ifs: 2^12 paths
if (a0 > 0) x = x + 1;
if (a1 > 0) x = x + 1;
if (a2 > 0) x = x + 1;
if (a3 > 0) x = x + 1;
if (a4 > 0) x = x + 1;
if (a5 > 0) x = x + 1;
if (a6 > 0) x = x + 1;
if (a7 > 0) x = x + 1;
if (a8 > 0) x = x + 1;
if (a9 > 0) x = x + 1;
if (a10 > 0) x = x + 1;
if (a11 > 0) x = x + 1;
return x;
