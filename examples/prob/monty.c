// Monty Hall: the car is behind one of three doors, the player picks one,
// the host opens another door with a goat (tossing a coin when he can choose),
// and the player stays (switch = 0) or switches (switch = 1).
//   symtest prob -f examples/prob/monty.c --input switch=0   -> wins 1/3
//   symtest prob -f examples/prob/monty.c --input switch=1   -> wins 2/3
car ~ uniform(1, 3);
pick ~ uniform(1, 3);
coin ~ bernoulli(1/2);
if (car == pick) {
  // Two goats to show: the lower-numbered door on heads.
  if (pick == 1) { if (coin == 1) open = 2; else open = 3; }
  if (pick == 2) { if (coin == 1) open = 1; else open = 3; }
  if (pick == 3) { if (coin == 1) open = 1; else open = 2; }
} else {
  open = 6 - car - pick;
}
if (switch == 1) pick = 6 - pick - open;
return pick == car;
