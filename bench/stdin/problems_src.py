"""The stdin benchmark's problems, as written: statement, reference and the
example inputs a statement shows. `build.py` runs each reference with CPython
on its examples and writes `problems.jsonl` (APPS format); `check.py`
verifies the result.

Every statement and reference here is original to this benchmark.
"""

PROBLEMS = []


def add(pid, question, solution, examples):
    PROBLEMS.append(
        {"problem_id": pid, "question": question.strip() + "\n", "solution": solution.lstrip("\n"), "examples": examples}
    )


add(
    "parity_sums",
    """
You are given n integers. Compute the sum of the even ones and the sum of the odd ones.
If the two sums are equal print EQUAL. Otherwise print EVEN or ODD (whichever sum is larger)
followed by the absolute difference of the sums.

Input
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n integers a_1..a_n
(-10^9 ≤ a_i ≤ 10^9).

Output
Print EQUAL, or the word and the difference separated by a space.
""",
    r'''
n = int(input())
a = list(map(int, input().split()))
even = 0
odd = 0
for x in a:
    if x % 2 == 0:
        even += x
    else:
        odd += x
if even == odd:
    print("EQUAL")
elif even > odd:
    print("EVEN", even - odd)
else:
    print("ODD", odd - even)
''',
    ["4\n1 2 3 4\n", "3\n2 4 6\n"],
)

add(
    "triangle_kinds",
    """
For each of t triples of side lengths, decide whether they form a non-degenerate triangle and,
if so, what kind. Print NO if they do not form a triangle (three sides with a + b = c are degenerate
and do not count), otherwise EQUILATERAL, ISOSCELES or SCALENE, and add the word RIGHT after it
(separated by a space) if the triangle has a right angle.

Input
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains three integers a, b, c
(1 ≤ a, b, c ≤ 10^4).

Output
For each triple print the answer on its own line.
""",
    r'''
t = int(input())
for _ in range(t):
    a, b, c = map(int, input().split())
    x, y, z = sorted((a, b, c))
    if x + y <= z:
        print("NO")
        continue
    if x == z:
        kind = "EQUILATERAL"
    elif x == y or y == z:
        kind = "ISOSCELES"
    else:
        kind = "SCALENE"
    if x * x + y * y == z * z:
        kind += " RIGHT"
    print(kind)
''',
    ["3\n3 4 5\n2 2 2\n1 2 3\n"],
)

add(
    "count_islands",
    """
A map of n rows and m columns shows land (#) and water (.). Two land cells belong to the same
island if they share a side. Print the number of islands and the size (number of cells) of the
largest one; print 0 0 if there is no land.

Input
The first line contains n and m (1 ≤ n, m ≤ 50). Each of the next n lines contains a string of m
characters, each # or '.'.

Output
Print two integers: the number of islands and the size of the largest island.
""",
    r'''
import sys
from collections import deque

def main():
    n, m = map(int, sys.stdin.readline().split())
    g = [sys.stdin.readline().strip() for _ in range(n)]
    seen = [[False] * m for _ in range(n)]
    count = 0
    best = 0
    for i in range(n):
        for j in range(m):
            if g[i][j] == '#' and not seen[i][j]:
                count += 1
                size = 0
                seen[i][j] = True
                q = deque([(i, j)])
                while q:
                    x, y = q.popleft()
                    size += 1
                    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                        u, v = x + dx, y + dy
                        if 0 <= u < n and 0 <= v < m and g[u][v] == '#' and not seen[u][v]:
                            seen[u][v] = True
                            q.append((u, v))
                best = max(best, size)
    print(count, best)

main()
''',
    ["3 4\n##..\n#..#\n...#\n", "1 1\n.\n"],
)

add(
    "almost_palindrome",
    """
A string is a palindrome if it reads the same from both ends. Given a string s, print PALINDROME if
it is a palindrome, ALMOST if it is not but deleting exactly one character makes it one, and NO
otherwise.

Input
A single line with a string s of lowercase letters, 1 ≤ |s| ≤ 1000.

Output
Print PALINDROME, ALMOST or NO.
""",
    r'''
def is_pal(s, i, j):
    while i < j:
        if s[i] != s[j]:
            return False
        i += 1
        j -= 1
    return True

s = input().strip()
i, j = 0, len(s) - 1
while i < j and s[i] == s[j]:
    i += 1
    j -= 1
if i >= j:
    print("PALINDROME")
elif is_pal(s, i + 1, j) or is_pal(s, i, j - 1):
    print("ALMOST")
else:
    print("NO")
''',
    ["racecar\n", "abca\n"],
)

add(
    "multiset_queries",
    """
Start with an empty multiset of integers and process q queries:
- `1 x`: insert x;
- `2 x`: remove one copy of x; if x is not present print MISSING;
- `3`: print the largest element, or EMPTY if the multiset is empty.

Input
The first line contains q (1 ≤ q ≤ 1000). Each of the next q lines is a query; -10^9 ≤ x ≤ 10^9.

Output
Print one line for each query of type 3 and for each type 2 query whose element is missing.
""",
    r'''
import sys

data = sys.stdin.read().split()
q = int(data[0])
pos = 1
count = {}
out = []
for _ in range(q):
    kind = data[pos]
    pos += 1
    if kind == "1":
        x = int(data[pos])
        pos += 1
        count[x] = count.get(x, 0) + 1
    elif kind == "2":
        x = int(data[pos])
        pos += 1
        if count.get(x, 0) == 0:
            out.append("MISSING")
        else:
            count[x] -= 1
            if count[x] == 0:
                del count[x]
    else:
        if count:
            out.append(str(max(count)))
        else:
            out.append("EMPTY")
print("\n".join(out))
''',
    ["5\n1 3\n1 7\n3\n2 7\n3\n"],
)

add(
    "max_degree",
    """
An undirected graph has n vertices numbered 1..n and m edges (there may be repeated edges; each
copy counts; there are no self-loops). Print the vertex of largest degree (the smallest number
among ties) and its degree, then on a second line the number of isolated vertices (degree 0), or
NONE if there are none.

Input
The first line contains n and m (1 ≤ n ≤ 1000, 0 ≤ m ≤ 10^4). Each of the next m lines contains
two integers u and v (1 ≤ u, v ≤ n, u ≠ v).

Output
Two lines as described.
""",
    r'''
n, m = map(int, input().split())
deg = [0] * (n + 1)
for _ in range(m):
    u, v = map(int, input().split())
    deg[u] += 1
    deg[v] += 1
best = 1
for v in range(2, n + 1):
    if deg[v] > deg[best]:
        best = v
isolated = sum(1 for v in range(1, n + 1) if deg[v] == 0)
print(best, deg[best])
if isolated == 0:
    print("NONE")
else:
    print(isolated)
''',
    ["4 3\n1 2\n2 3\n2 4\n"],
)

add(
    "pairs_at_most_k",
    """
Given n integers and a number k, count the pairs of indices i < j with a_i + a_j ≤ k.

Input
The first line contains n and k (1 ≤ n ≤ 10^5, -10^9 ≤ k ≤ 10^9). The second line contains n
integers (-10^9 ≤ a_i ≤ 10^9).

Output
Print the number of pairs.
""",
    r'''
n, k = map(int, input().split())
a = sorted(map(int, input().split()))
i, j = 0, n - 1
total = 0
while i < j:
    if a[i] + a[j] <= k:
        total += j - i
        i += 1
    else:
        j -= 1
print(total)
''',
    ["4 5\n1 2 3 4\n", "1 10\n3\n"],
)

add(
    "range_sums",
    """
Given an array of n integers, answer q queries: each gives l and r and asks for a_l + ... + a_r.
If l > r the range is taken as r..l.

Input
The first line contains n and q (1 ≤ n, q ≤ 10^5). The second line contains the n integers
(-10^9 ≤ a_i ≤ 10^9). Each of the next q lines contains l and r (1 ≤ l, r ≤ n).

Output
Print the answer to each query on its own line.
""",
    r'''
import sys

input = sys.stdin.readline
n, q = map(int, input().split())
a = list(map(int, input().split()))
pre = [0] * (n + 1)
for i in range(n):
    pre[i + 1] = pre[i] + a[i]
res = []
for _ in range(q):
    l, r = map(int, input().split())
    if l > r:
        l, r = r, l
    res.append(pre[r] - pre[l - 1])
sys.stdout.write("\n".join(map(str, res)) + "\n")
''',
    ["5 3\n1 2 3 4 5\n1 3\n2 5\n4 4\n"],
)

add(
    "broken_stairs",
    """
A staircase has n steps; you start on the ground (step 0) and want to reach step n, climbing one or
two steps at a time. Some steps are broken and cannot be stepped on. Count the ways to reach step n
modulo 1000000007. If step n itself is broken, print 0.

Input
The first line contains n and m (1 ≤ n ≤ 10^5, 0 ≤ m ≤ n). The second line contains m distinct
integers b_1..b_m (1 ≤ b_i ≤ n), the broken steps; it is empty when m = 0.

Output
Print the number of ways modulo 1000000007.
""",
    r'''
import sys

MOD = 10**9 + 7
data = sys.stdin.read().split()
n, m = int(data[0]), int(data[1])
broken = set(int(x) for x in data[2:2 + m])
ways = [0] * (n + 1)
ways[0] = 1
for i in range(1, n + 1):
    if i in broken:
        ways[i] = 0
        continue
    ways[i] = ways[i - 1]
    if i >= 2:
        ways[i] = (ways[i] + ways[i - 2]) % MOD
print(ways[n])
''',
    ["6 1\n3\n", "4 0\n\n"],
)

add(
    "gcd_lcm",
    """
For each of t pairs of positive integers a and b print COPRIME if their greatest common divisor is
1; otherwise print their greatest common divisor and their least common multiple.

Input
The first line contains t (1 ≤ t ≤ 1000). Each of the next t lines contains a and b
(1 ≤ a, b ≤ 10^9).

Output
One line per pair.
""",
    r'''
from math import gcd

t = int(input())
for _ in range(t):
    a, b = map(int, input().split())
    g = gcd(a, b)
    if g == 1:
        print("COPRIME")
    else:
        print(g, a // g * b)
''',
    ["2\n4 6\n12 18\n"],
)

add(
    "smallest_factor",
    """
Given an integer n, print PRIME if it is prime, NEITHER if n is 1, and otherwise the smallest
prime factor of n followed by n divided by that factor.

Input
A single integer n (1 ≤ n ≤ 10^12).

Output
PRIME, NEITHER, or two integers.
""",
    r'''
n = int(input())
if n == 1:
    print("NEITHER")
else:
    d = 2
    found = 0
    while d * d <= n:
        if n % d == 0:
            found = d
            break
        d += 1 if d == 2 else 2
    if found == 0:
        print("PRIME")
    else:
        print(found, n // found)
''',
    ["13\n", "91\n"],
)

add(
    "robot_walls",
    """
A robot stands in cell (1, 1) of an n × n board (row 1 is the top row, column 1 the left column)
and executes a string of commands: U (row - 1), D (row + 1), L (column - 1), R (column + 1).
A command that would take it off the board is ignored and counts as a bump.
Print the final row and column, then the number of bumps.

Input
The first line contains n (1 ≤ n ≤ 100). The second line contains the commands, a string of
the letters U, D, L, R of length 1 to 1000.

Output
Print three integers: row, column, bumps.
""",
    r'''
n = int(input())
cmds = input().strip()
r, c = 1, 1
bumps = 0
for ch in cmds:
    nr, nc = r, c
    if ch == 'U':
        nr -= 1
    elif ch == 'D':
        nr += 1
    elif ch == 'L':
        nc -= 1
    else:
        nc += 1
    if 1 <= nr <= n and 1 <= nc <= n:
        r, c = nr, nc
    else:
        bumps += 1
print(r, c, bumps)
''',
    ["3\nRRRDD\n"],
)

add(
    "fizz_ab",
    """
Print the numbers from 1 to n, one per line, but print Fizz instead of a number divisible by a,
Buzz instead of a number divisible by b, and FizzBuzz instead of a number divisible by both.

Input
One line with three integers n, a, b (1 ≤ n ≤ 1000, 2 ≤ a, b ≤ 100).

Output
n lines.
""",
    r'''
n, a, b = map(int, input().split())
for i in range(1, n + 1):
    if i % a == 0 and i % b == 0:
        print("FizzBuzz")
    elif i % a == 0:
        print("Fizz")
    elif i % b == 0:
        print("Buzz")
    else:
        print(i)
''',
    ["5 2 3\n"],
)

add(
    "leap_years",
    """
A year is a leap year if it is divisible by 4, except years divisible by 100, which are leap years
only if they are also divisible by 400. For each of t years print LEAP or COMMON.

Input
The first line contains t (1 ≤ t ≤ 1000). Each of the next t lines contains a year y
(1 ≤ y ≤ 10^9).

Output
One word per year.
""",
    r'''
import sys

t = int(sys.stdin.readline())
for _ in range(t):
    y = int(sys.stdin.readline())
    if y % 400 == 0:
        print("LEAP")
    elif y % 100 == 0:
        print("COMMON")
    elif y % 4 == 0:
        print("LEAP")
    else:
        print("COMMON")
''',
    ["3\n2024\n2023\n2000\n"],
)

add(
    "best_segment",
    """
Find a non-empty contiguous segment of the array with the largest sum. Print the sum and the
1-based start and end of the segment; among segments with the same sum print the one that starts
first, and among those the shortest.

Input
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n integers
(-10^9 ≤ a_i ≤ 10^9).

Output
Three integers: sum, start, end.
""",
    r'''
n = int(input())
a = list(map(int, input().split()))
best = a[0]
bl, br = 0, 0
cur = a[0]
cl = 0
for i in range(1, n):
    if cur < 0:
        cur = a[i]
        cl = i
    else:
        cur += a[i]
    if cur > best or (cur == best and cl < bl):
        best = cur
        bl, br = cl, i
print(best, bl + 1, br + 1)
''',
    ["5\n-1 3 -2 4 -7\n", "3\n-5 -2 -3\n"],
)

add(
    "second_largest",
    """
Print the second largest distinct value among n integers, or NONE if all values are equal.

Input
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n integers
(-10^9 ≤ a_i ≤ 10^9).

Output
An integer or NONE.
""",
    r'''
n = int(input())
a = list(map(int, input().split()))
first = None
second = None
for x in a:
    if first is None or x > first:
        if first is not None:
            second = first
        first = x
    elif x != first and (second is None or x > second):
        second = x
print("NONE" if second is None else second)
''',
    ["5\n4 1 4 3 2\n"],
)

add(
    "top_word",
    """
Given a line of words separated by spaces, print the word that occurs most often and how many
times it occurs. If several words occur equally often print the lexicographically smallest.

Input
One line of k words separated by single spaces (1 ≤ k ≤ 1000); each word is a string of
lowercase letters of length at most 20.

Output
The word and its count, separated by a space.
""",
    r'''
words = input().split()
freq = {}
for w in words:
    freq[w] = freq.get(w, 0) + 1
best = None
for w, c in freq.items():
    if best is None or c > freq[best] or (c == freq[best] and w < best):
        best = w
print(f"{best} {freq[best]}")
''',
    ["the cat and the hat\n"],
)

add(
    "caesar_shift",
    """
Shift every letter of a text by k positions forward in the alphabet, wrapping around from z to a
(and from Z to A); keep the case of each letter. Characters that are not letters stay unchanged.
A negative k shifts backwards.

Input
The first line contains k (-10^9 ≤ k ≤ 10^9). The second line contains the text, 1 to 1000
printable ASCII characters.

Output
The shifted text.
""",
    r'''
k = int(input())
s = input()
res = []
for ch in s:
    if 'a' <= ch <= 'z':
        res.append(chr((ord(ch) - 97 + k) % 26 + 97))
    elif 'A' <= ch <= 'Z':
        res.append(chr((ord(ch) - 65 + k) % 26 + 65))
    else:
        res.append(ch)
print(''.join(res))
''',
    ["3\nhello, world!\n"],
)

add(
    "brackets",
    """
For each of t strings of the characters ( ) [ ] { } decide whether the brackets are balanced and
properly nested.

Input
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains a non-empty string of
bracket characters of length at most 1000.

Output
YES or NO for each string.
""",
    r'''
t = int(input())
pairs = {')': '(', ']': '[', '}': '{'}
for _ in range(t):
    s = input().strip()
    stack = []
    ok = True
    for ch in s:
        if ch in '([{':
            stack.append(ch)
        elif not stack or stack[-1] != pairs[ch]:
            ok = False
            break
        else:
            stack.pop()
    if ok and not stack:
        print("YES")
    else:
        print("NO")
''',
    ["2\n([]{})\n((\n"],
)

add(
    "min_path_grid",
    """
A grid of n rows and m columns holds integers. Walk from the top-left cell to the bottom-right
cell, each move going one cell right or one cell down. Print the smallest possible sum of the cells
visited (both ends included).

Input
The first line contains n and m (1 ≤ n, m ≤ 500). Each of the next n lines contains m integers
(-1000 ≤ a_ij ≤ 1000).

Output
One integer.
""",
    r'''
n, m = map(int, input().split())
g = [list(map(int, input().split())) for _ in range(n)]
dp = [[0] * m for _ in range(n)]
for i in range(n):
    for j in range(m):
        if i == 0 and j == 0:
            dp[i][j] = g[i][j]
        elif i == 0:
            dp[i][j] = dp[i][j - 1] + g[i][j]
        elif j == 0:
            dp[i][j] = dp[i - 1][j] + g[i][j]
        else:
            dp[i][j] = min(dp[i - 1][j], dp[i][j - 1]) + g[i][j]
print(dp[n - 1][m - 1])
''',
    ["3 3\n1 3 1\n1 5 1\n4 2 1\n"],
)

add(
    "symmetric_matrix",
    """
Given a square matrix of size n, print SYMMETRIC if it equals its transpose and NOT otherwise; on
the second line print the sum of its main diagonal.

Input
The first line contains n (1 ≤ n ≤ 100). Each of the next n lines contains n integers
(-10^6 ≤ a_ij ≤ 10^6).

Output
Two lines.
""",
    r'''
import sys

data = sys.stdin.read().split()
n = int(data[0])
a = [[int(data[1 + i * n + j]) for j in range(n)] for i in range(n)]
sym = True
for i in range(n):
    for j in range(i + 1, n):
        if a[i][j] != a[j][i]:
            sym = False
            break
    if not sym:
        break
print("SYMMETRIC" if sym else "NOT")
print(sum(a[i][i] for i in range(n)))
''',
    ["2\n1 2\n2 3\n"],
)

add(
    "clock_add",
    """
A 24-hour clock shows HH:MM. Print the time it shows after k more minutes, in the same format,
followed by the word NEXTDAY if the clock passed midnight at least once.

Input
The first line contains the time HH:MM (00 ≤ HH ≤ 23, 00 ≤ MM ≤ 59). The second line contains k
(0 ≤ k ≤ 10^9).

Output
The new time, and NEXTDAY after a space when midnight was passed.
""",
    r'''
hh, mm = input().strip().split(':')
k = int(input())
total = int(hh) * 60 + int(mm) + k
days = total // 1440
total %= 1440
res = f"{total // 60:02d}:{total % 60:02d}"
if days > 0:
    res += " NEXTDAY"
print(res)
''',
    ["09:30\n45\n"],
)

add(
    "coin_change_greedy",
    """
Pay an amount of n cents with coins of 25, 10, 5 and 1 cents, using as few coins as possible.
Print one line per coin value used, from the largest, in the form `value x count`; print NOTHING
if n is 0.

Input
A single integer n (0 ≤ n ≤ 10^9).

Output
The lines described.
""",
    r'''
n = int(input())
if n == 0:
    print("NOTHING")
for c in (25, 10, 5, 1):
    k = n // c
    n -= k * c
    if k > 0:
        print(f"{c} x {k}")
''',
    ["42\n"],
)

add(
    "merge_intervals",
    """
Given n closed intervals [l, r] on a line, merge those that overlap or touch (share an endpoint).
Print the number of merged intervals and the total length they cover (the length of [l, r] is
r - l).

Input
The first line contains n (1 ≤ n ≤ 10^5). Each of the next n lines contains l and r
(-10^9 ≤ l ≤ r ≤ 10^9).

Output
Two integers.
""",
    r'''
import sys

n = int(sys.stdin.readline())
iv = []
for _ in range(n):
    l, r = map(int, sys.stdin.readline().split())
    iv.append((l, r))
iv.sort()
count = 0
total = 0
cl, cr = iv[0]
for l, r in iv[1:]:
    if l <= cr:
        if r > cr:
            cr = r
    else:
        count += 1
        total += cr - cl
        cl, cr = l, r
count += 1
total += cr - cl
print(count, total)
''',
    ["3\n1 3\n2 5\n7 8\n"],
)

add(
    "valid_dates",
    """
For each of t dates given as day, month and year decide whether the date exists in the Gregorian
calendar (February has 29 days in leap years: years divisible by 4 but not by 100, or divisible by
400).

Input
The first line contains t (1 ≤ t ≤ 1000). Each of the next t lines contains d, m, y
(1 ≤ d ≤ 100, 1 ≤ m ≤ 20, 1 ≤ y ≤ 9999).

Output
VALID or INVALID for each date.
""",
    r'''
t = int(input())
for _ in range(t):
    d, m, y = map(int, input().split())
    if m > 12:
        print("INVALID")
        continue
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        days = 29 if leap else 28
    elif m in (4, 6, 9, 11):
        days = 30
    else:
        days = 31
    print("VALID" if d <= days else "INVALID")
''',
    ["2\n29 2 2020\n31 4 2021\n"],
)

add(
    "longest_runs",
    """
Given a binary string, find the longest run of consecutive 1s and the longest run of consecutive
0s. Print ONES if the run of 1s is longer, ZEROS if the run of 0s is longer and TIE otherwise,
followed by the two lengths (ones first).

Input
A single line with a string s of 0s and 1s (1 ≤ |s| ≤ 10^5).

Output
A word and two integers.
""",
    r'''
s = input().strip()
best = {'0': 0, '1': 0}
run = 0
prev = ''
for ch in s:
    if ch == prev:
        run += 1
    else:
        run = 1
        prev = ch
    if run > best[ch]:
        best[ch] = run
if best['1'] > best['0']:
    word = "ONES"
elif best['0'] > best['1']:
    word = "ZEROS"
else:
    word = "TIE"
print(word, best['1'], best['0'])
''',
    ["1100111\n"],
)

add(
    "ranking",
    """
n students have a name and a score. Print them ordered by score from highest to lowest; students
with equal scores are ordered by name alphabetically. Print each as its place, name and score;
students with equal scores share the place of the first of them (places go 1, 2, 2, 4, ...).

Input
The first line contains n (1 ≤ n ≤ 1000). Each of the next n lines contains a distinct name of
1 to 10 lowercase letters and an integer score (0 ≤ score ≤ 100).

Output
n lines.
""",
    r'''
n = int(input())
rows = []
for _ in range(n):
    name, score = input().split()
    rows.append((-int(score), name))
rows.sort()
place = 0
prev = None
for i, (neg, name) in enumerate(rows):
    if neg != prev:
        place = i + 1
        prev = neg
    print(place, name, -neg)
''',
    ["3\nann 90\nbob 95\ncid 90\n"],
)

add(
    "ticket_queue",
    """
n people stand in a queue; person i wants a_i tickets. The clerk sells one ticket at a time to the
person at the front; a person who still wants more tickets goes to the back of the queue, and a
person who has all their tickets leaves. Print the numbers of the people in the order they leave.

Input
The first line contains n (1 ≤ n ≤ 100). The second line contains a_1..a_n (1 ≤ a_i ≤ 100).

Output
The n numbers separated by spaces.
""",
    r'''
from collections import deque

n = int(input())
a = list(map(int, input().split()))
q = deque((i + 1, a[i]) for i in range(n))
order = []
while q:
    i, k = q.popleft()
    if k == 1:
        order.append(i)
    else:
        q.append((i, k - 1))
print(*order)
''',
    ["3\n2 1 3\n"],
)

add(
    "stack_commands",
    """
Process q commands on a stack of integers: `push x` pushes x; `pop` removes the top element and
prints it; `top` prints the top element without removing it; `size` prints the number of elements.
A pop or top on an empty stack prints EMPTY.

Input
The first line contains q (1 ≤ q ≤ 10^4). Each of the next q lines contains a command;
-10^9 ≤ x ≤ 10^9.

Output
One line for each command except push.
""",
    r'''
import sys

lines = sys.stdin.read().splitlines()
q = int(lines[0])
stack = []
out = []
for line in lines[1:q + 1]:
    parts = line.split()
    cmd = parts[0]
    if cmd == "push":
        stack.append(int(parts[1]))
    elif cmd == "size":
        out.append(str(len(stack)))
    elif not stack:
        out.append("EMPTY")
    elif cmd == "pop":
        out.append(str(stack.pop()))
    else:
        out.append(str(stack[-1]))
print("\n".join(out))
''',
    ["5\npush 4\npush 9\ntop\npop\nsize\n"],
)

add(
    "min_coins_dp",
    """
Given coin values c_1..c_n (each available in unlimited number), print the smallest number of coins
that sum exactly to s, or -1 if s cannot be formed.

Input
The first line contains n and s (1 ≤ n ≤ 100, 0 ≤ s ≤ 10^4). The second line contains n integers
(1 ≤ c_i ≤ 10^4).

Output
One integer.
""",
    r'''
n, s = map(int, input().split())
coins = list(map(int, input().split()))
INF = float('inf')
dp = [0] + [INF] * s
for v in range(1, s + 1):
    for c in coins:
        if c <= v and dp[v - c] + 1 < dp[v]:
            dp[v] = dp[v - c] + 1
if dp[s] == INF:
    print(-1)
else:
    print(dp[s])
''',
    ["3 11\n1 2 5\n"],
)

add(
    "longest_increasing",
    """
Print the length of the longest strictly increasing subsequence of the array (not necessarily
contiguous).

Input
The first line contains n (1 ≤ n ≤ 1000). The second line contains n integers
(-10^9 ≤ a_i ≤ 10^9).

Output
One integer.
""",
    r'''
n = int(input())
a = list(map(int, input().split()))
best = [1] * n
for i in range(n):
    for j in range(i):
        if a[j] < a[i] and best[j] + 1 > best[i]:
            best[i] = best[j] + 1
print(max(best))
''',
    ["6\n5 1 4 2 3 6\n"],
)

add(
    "divisor_class",
    """
For each of t numbers n print the number of its divisors and then PERFECT, ABUNDANT or DEFICIENT
according to whether the sum of its proper divisors (divisors smaller than n) is equal to, greater
than or less than n.

Input
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains n (1 ≤ n ≤ 10^9).

Output
For each n, an integer and a word separated by a space.
""",
    r'''
t = int(input())
for _ in range(t):
    n = int(input())
    count = 0
    total = 0
    d = 1
    while d * d <= n:
        if n % d == 0:
            e = n // d
            count += 1
            total += d
            if e != d:
                count += 1
                total += e
        d += 1
    proper = total - n
    if proper == n:
        word = "PERFECT"
    elif proper > n:
        word = "ABUNDANT"
    else:
        word = "DEFICIENT"
    print(count, word)
''',
    ["3\n6\n12\n7\n"],
)

add(
    "digital_root",
    """
Repeatedly replace a non-negative integer by the sum of its decimal digits until a single digit
remains. Print that digit and the number of replacements made.

Input
A single integer n (0 ≤ n ≤ 10^18).

Output
Two integers.
""",
    r'''
s = input().strip()
steps = 0
while len(s) > 1:
    s = str(sum(int(c) for c in s))
    steps += 1
print(s, steps)
''',
    ["9875\n"],
)

add(
    "knight_move",
    """
Two squares of a chessboard are given in the usual notation (a letter a-h for the column and a
digit 1-8 for the row). Print SAME if they are the same square, YES if a knight moves from the first
to the second in one move, and NO otherwise.

Input
One line with two squares separated by a space. Each square is a column letter from a to h
followed by a row digit r (1 ≤ r ≤ 8).

Output
SAME, YES or NO.
""",
    r'''
a, b = input().split()
dx = abs(ord(a[0]) - ord(b[0]))
dy = abs(int(a[1]) - int(b[1]))
if dx == 0 and dy == 0:
    print("SAME")
elif (dx, dy) in ((1, 2), (2, 1)):
    print("YES")
else:
    print("NO")
''',
    ["e4 f6\n"],
)

add(
    "anagrams",
    """
Two words are given on two lines. Print SAME if they are identical, ANAGRAM if one is a
rearrangement of the other's letters, and NO otherwise. Upper and lower case letters are
considered equal.

Input
Two lines, each with a word w of English letters (1 ≤ |w| ≤ 100).

Output
SAME, ANAGRAM or NO.
""",
    r'''
a = input().strip().lower()
b = input().strip().lower()
if a == b:
    print("SAME")
elif len(a) != len(b):
    print("NO")
elif sorted(a) == sorted(b):
    print("ANAGRAM")
else:
    print("NO")
''',
    ["Listen\nSilent\n", "abc\nabd\n"],
)

add(
    "tic_tac_toe",
    """
A tic-tac-toe board of 3 rows of 3 characters (X, O or '.') is given; it is a position reachable in
a game, with at most one player having three in a row. Print X or O if that player has three in a
row (horizontally, vertically or diagonally), DRAW if nobody has and the board is full, and ONGOING
otherwise.

Input
Three lines of three characters each. With x the number of X's and o the number of O's on the
board, 0 ≤ o ≤ x ≤ o + 1 ≤ 5.

Output
X, O, DRAW or ONGOING.
""",
    r'''
import sys

g = [sys.stdin.readline().strip() for _ in range(3)]
lines = [row for row in g]
lines += [''.join(g[r][c] for r in range(3)) for c in range(3)]
lines.append(g[0][0] + g[1][1] + g[2][2])
lines.append(g[0][2] + g[1][1] + g[2][0])
winner = None
for line in lines:
    if line == "XXX":
        winner = "X"
    elif line == "OOO":
        winner = "O"
if winner:
    print(winner)
elif any('.' in row for row in g):
    print("ONGOING")
else:
    print("DRAW")
''',
    ["XOX\nOXO\nOXX\n", "XO.\n...\n...\n"],
)

add(
    "elevator",
    """
An elevator starts at floor s and visits the requested floors in the given order. Print the total
number of floors it travels. It skips a request for the floor it is already on. Then print UP if
it ended above floor s, DOWN if below, and BACK if on floor s.

Input
The first line contains s and n (0 ≤ s ≤ 100, 1 ≤ n ≤ 1000). The second line contains n requested
floors (0 ≤ f_i ≤ 100).

Output
The distance on one line and the word on the next.
""",
    r'''
s, n = map(int, input().split())
floors = list(map(int, input().split()))
cur = s
dist = 0
for f in floors:
    if f == cur:
        continue
    dist += abs(f - cur)
    cur = f
print(dist)
if cur > s:
    print("UP")
elif cur < s:
    print("DOWN")
else:
    print("BACK")
''',
    ["3 3\n5 5 1\n"],
)

add(
    "range_add",
    """
An array of n zeros receives q updates; each adds v to every element from position l to position r
(1-based, inclusive). Print the final array, then the number of positions holding a negative value.

Input
The first line contains n and q (1 ≤ n, q ≤ 10^5). Each of the next q lines contains l, r and v
(1 ≤ l ≤ r ≤ n, -10^4 ≤ v ≤ 10^4).

Output
The array on one line, the count on the next.
""",
    r'''
import sys

data = sys.stdin.buffer.read().split()
n, q = int(data[0]), int(data[1])
diff = [0] * (n + 1)
p = 2
for _ in range(q):
    l, r, v = int(data[p]), int(data[p + 1]), int(data[p + 2])
    p += 3
    diff[l - 1] += v
    diff[r] -= v
arr = []
cur = 0
neg = 0
for i in range(n):
    cur += diff[i]
    arr.append(cur)
    if cur < 0:
        neg += 1
print(' '.join(map(str, arr)))
print(neg)
''',
    ["5 2\n1 3 2\n2 5 -3\n"],
)

add(
    "distinct_windows",
    """
For every window of k consecutive elements of the array print the number of distinct values in it.

Input
The first line contains n and k (1 ≤ k ≤ n ≤ 10^5). The second line contains n integers
(1 ≤ a_i ≤ 10^9).

Output
n - k + 1 integers separated by spaces.
""",
    r'''
n, k = map(int, input().split())
a = list(map(int, input().split()))
cnt = {}
res = []
for i in range(n):
    cnt[a[i]] = cnt.get(a[i], 0) + 1
    if i >= k:
        old = a[i - k]
        cnt[old] -= 1
        if cnt[old] == 0:
            del cnt[old]
    if i >= k - 1:
        res.append(len(cnt))
print(*res)
''',
    ["5 3\n1 2 1 3 3\n"],
)

add(
    "rising_streak",
    """
Daily temperatures are recorded for n days. Find the longest streak of consecutive days on which
each day is strictly warmer than the day before (a single day is a streak of length 1). Print its
length and the 1-based day it starts on; if there are several, the earliest.

Input
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n integers
(-100 ≤ t_i ≤ 100).

Output
Two integers.
""",
    r'''
n = int(input())
t = list(map(int, input().split()))
best_len, best_start = 1, 0
cur_len, cur_start = 1, 0
for i in range(1, n):
    if t[i] > t[i - 1]:
        cur_len += 1
    else:
        cur_len = 1
        cur_start = i
    if cur_len > best_len:
        best_len = cur_len
        best_start = cur_start
print(best_len, best_start + 1)
''',
    ["7\n1 2 3 1 2 3 4\n"],
)

add(
    "rotate_right",
    """
Rotate an array of n integers to the right by k positions (the last element moves to the front,
k times) and print it.

Input
The first line contains n and k (1 ≤ n ≤ 10^5, 0 ≤ k ≤ 10^18). The second line contains n integers
(-10^9 ≤ a_i ≤ 10^9).

Output
The rotated array, separated by spaces.
""",
    r'''
n, k = map(int, input().split())
a = input().split()
k %= n
if k == 0:
    print(' '.join(a))
else:
    print(' '.join(a[-k:] + a[:-k]))
''',
    ["5 2\n1 2 3 4 5\n"],
)

add(
    "base_convert",
    """
For each of t queries, write the non-negative integer x in base b, using the digits 0-9 and then
the capital letters A-F.

Input
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains x and b
(0 ≤ x ≤ 10^18, 2 ≤ b ≤ 16).

Output
One line per query.
""",
    r'''
DIGITS = "0123456789ABCDEF"
t = int(input())
for _ in range(t):
    x, b = map(int, input().split())
    if x == 0:
        print("0")
        continue
    out = []
    while x > 0:
        out.append(DIGITS[x % b])
        x //= b
    print(''.join(reversed(out)))
''',
    ["2\n10 2\n255 16\n"],
)

add(
    "roman",
    """
Write the integer n in Roman numerals (I=1, V=5, X=10, L=50, C=100, D=500, M=1000, with the
subtractive forms IV, IX, XL, XC, CD and CM).

Input
A single integer n (1 ≤ n ≤ 3999).

Output
The Roman numeral.
""",
    r'''
n = int(input())
parts = []
thousands = n // 1000
parts.append('M' * thousands)
n %= 1000
for value, one, five, ten in ((100, 'C', 'D', 'M'), (10, 'X', 'L', 'C'), (1, 'I', 'V', 'X')):
    d = n // value
    n %= value
    if d == 9:
        parts.append(one + ten)
    elif d >= 5:
        parts.append(five + one * (d - 5))
    elif d == 4:
        parts.append(one + five)
    else:
        parts.append(one * d)
print(''.join(parts))
''',
    ["1994\n"],
)

add(
    "hollow_square",
    """
Draw a hollow square of side n with the character '*': its border is made of stars and its inside
of spaces. Lines have no trailing spaces beyond the square's right border.

Input
A single integer n (1 ≤ n ≤ 50).

Output
n lines.
""",
    r'''
n = int(input())
for i in range(n):
    if i == 0 or i == n - 1:
        print('*' * n)
    else:
        print('*' + ' ' * (n - 2) + '*')
''',
    ["4\n"],
)

add(
    "local_peaks",
    """
A grid of n rows and m columns holds integers. A cell is a peak if its value is strictly greater
than the value of every cell sharing a side with it (cells on the border have fewer neighbours).
Print the number of peaks and then the largest peak value, or just 0 if there are no peaks.

Input
The first line contains n and m (1 ≤ n, m ≤ 100). Each of the next n lines contains m integers
(0 ≤ a_ij ≤ 10^9).

Output
One or two integers on one line.
""",
    r'''
import sys

input = sys.stdin.readline
n, m = map(int, input().split())
g = [list(map(int, input().split())) for _ in range(n)]
count = 0
top = -1
for i in range(n):
    for j in range(m):
        v = g[i][j]
        ok = True
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            x, y = i + di, j + dj
            if 0 <= x < n and 0 <= y < m and g[x][y] >= v:
                ok = False
                break
        if ok:
            count += 1
            top = max(top, v)
if count == 0:
    print(0)
else:
    print(count, top)
''',
    ["3 3\n1 2 1\n2 5 2\n1 2 9\n"],
)

add(
    "run_length",
    """
Compress a string by replacing each run of k ≥ 2 equal letters by the letter followed by k (a run
of one letter stays as the letter alone), e.g. aaabcc becomes a3bc2. If the compressed form is not
shorter than the original, print the original.

Input
A single line with a string of lowercase letters, 1 ≤ |s| ≤ 10^5.

Output
The compressed string or the original.
""",
    r'''
s = input().strip()
out = []
i = 0
while i < len(s):
    j = i
    while j < len(s) and s[j] == s[i]:
        j += 1
    run = j - i
    out.append(s[i] if run == 1 else s[i] + str(run))
    i = j
c = ''.join(out)
if len(c) < len(s):
    print(c)
else:
    print(s)
''',
    ["aaabcc\n"],
)

add(
    "set_membership",
    """
Process q queries on a set of integers, initially empty: `1 x` inserts x, `2 x` asks whether x is in
the set (print YES or NO), `3 x` deletes x if it is present (nothing happens otherwise). After all
queries print the size of the set.

Input
The first line contains q (1 ≤ q ≤ 10^5). Each of the next q lines contains a query;
-10^9 ≤ x ≤ 10^9.

Output
One line per query of type 2, then the size.
""",
    r'''
import sys

q = int(sys.stdin.readline())
s = set()
out = []
for _ in range(q):
    kind, x = sys.stdin.readline().split()
    x = int(x)
    if kind == '1':
        s.add(x)
    elif kind == '2':
        out.append("YES" if x in s else "NO")
    else:
        s.discard(x)
out.append(str(len(s)))
sys.stdout.write('\n'.join(out) + '\n')
''',
    ["4\n1 5\n2 5\n3 5\n2 5\n"],
)

add(
    "rounded_grades",
    """
A school rounds exam scores: a score of 38 or more is rounded up to the next multiple of 5 if it is
less than 3 below it; scores under 38 are not rounded. After rounding, a score of 40 or more passes.
For each of t scores print the rounded score and PASS or FAIL.

Input
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains a score
(0 ≤ s ≤ 100).

Output
One line per score.
""",
    r'''
t = int(input())
for _ in range(t):
    s = int(input())
    if s >= 38:
        nxt = (s // 5 + 1) * 5
        if nxt - s < 3:
            s = nxt
    print(s, "PASS" if s >= 40 else "FAIL")
''',
    ["2\n73\n33\n"],
)

add(
    "remove_one_spread",
    """
Remove exactly one element from an array of n integers so that the difference between the largest
and the smallest remaining elements is as small as possible. Print that difference.

Input
The first line contains n (2 ≤ n ≤ 10^5). The second line contains n integers
(1 ≤ a_i ≤ 10^9).

Output
One integer.
""",
    r'''
n = int(input())
a = sorted(map(int, input().split()))
if n == 2:
    print(0)
else:
    print(min(a[-1] - a[1], a[-2] - a[0]))
''',
    ["4\n1 3 3 7\n"],
)

add(
    "popcount_power",
    """
For each of t numbers print the number of 1 bits in its binary representation and then YES if the
number is a power of two and NO otherwise.

Input
The first line contains t (1 ≤ t ≤ 1000). Each of the next t lines contains n (1 ≤ n ≤ 10^18).

Output
One line per number.
""",
    r'''
t = int(input())
for _ in range(t):
    n = int(input())
    bits = bin(n).count('1')
    if bits == 1:
        print(bits, "YES")
    else:
        print(bits, "NO")
''',
    ["2\n8\n16\n"],
)

add(
    "average_above",
    """
Given n scores, print their average rounded to two digits after the decimal point, and on the next
line how many scores are strictly above the average, or NONE if no score is above it.

Input
The first line contains n (1 ≤ n ≤ 1000). The second line contains n integers (0 ≤ s_i ≤ 100).

Output
Two lines.
""",
    r'''
n = int(input())
s = list(map(int, input().split()))
avg = sum(s) / n
above = sum(1 for x in s if x * n > sum(s))
print(f"{avg:.2f}")
if above > 0:
    print(above)
else:
    print("NONE")
''',
    ["3\n70 80 90\n"],
)

add(
    "stock_profit",
    """
A stock's price is known for n days. Buy once and sell once on a later day to make the largest
profit. Print the profit and the 1-based buy and sell days (the earliest pair among the best), or
NO PROFIT if no positive profit is possible.

Input
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n prices (1 ≤ p_i ≤ 10^9).

Output
Three integers, or NO PROFIT.
""",
    r'''
n = int(input())
p = list(map(int, input().split()))
best = 0
buy = sell = -1
low = 0
for i in range(1, n):
    if p[i] - p[low] > best:
        best = p[i] - p[low]
        buy, sell = low, i
    if p[i] < p[low]:
        low = i
if best == 0:
    print("NO PROFIT")
else:
    print(best, buy + 1, sell + 1)
''',
    ["6\n7 1 5 3 6 4\n"],
)

add(
    "vowel_words",
    """
Several lines of text are given. For each line print the number of words in it that start with a
vowel (a, e, i, o, u, in either case) and the longest word of the line (the first one among
equally long words). A line with no words prints 0 and a dash.

Input
The first line contains n (1 ≤ n ≤ 100). Each of the next n lines contains at most 100 characters:
English letters and spaces.

Output
n lines.
""",
    r'''
n = int(input())
for _ in range(n):
    words = input().split()
    if not words:
        print(0, '-')
        continue
    vowels = sum(1 for w in words if w[0].lower() in 'aeiou')
    longest = words[0]
    for w in words[1:]:
        if len(w) > len(longest):
            longest = w
    print(vowels, longest)
''',
    ["2\nAn apple a day\nkeeps the doctor away\n"],
)

add(
    "bipartite_check",
    """
An undirected graph has n vertices and m edges. Print YES if its vertices can be coloured with two
colours so that every edge joins vertices of different colours, and NO otherwise.

Input
The first line contains n and m (1 ≤ n ≤ 1000, 0 ≤ m ≤ 10^4). Each of the next m lines contains an
edge u v (1 ≤ u, v ≤ n; u = v is a self-loop).

Output
YES or NO.
""",
    r'''
import sys

def main():
    data = sys.stdin.read().split()
    n, m = int(data[0]), int(data[1])
    adj = [[] for _ in range(n + 1)]
    for i in range(m):
        u, v = int(data[2 + 2 * i]), int(data[3 + 2 * i])
        adj[u].append(v)
        adj[v].append(u)
    color = [-1] * (n + 1)
    for start in range(1, n + 1):
        if color[start] != -1:
            continue
        color[start] = 0
        stack = [start]
        while stack:
            u = stack.pop()
            for v in adj[u]:
                if color[v] == -1:
                    color[v] = 1 - color[u]
                    stack.append(v)
                elif color[v] == color[u]:
                    print("NO")
                    return
    print("YES")

main()
''',
    ["4 4\n1 2\n2 3\n3 4\n4 1\n"],
)

add(
    "min_swaps_sorted",
    """
A garden has n flower beds in a row, each of height h_i. Print SORTED if the heights are already in
non-decreasing order, ONE SWAP if they can be put in non-decreasing order by swapping exactly one
pair of beds (not necessarily adjacent), and MESSY otherwise.

Input
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n integers
(1 ≤ h_i ≤ 10^9).

Output
SORTED, ONE SWAP or MESSY.
""",
    r'''
n = int(input())
h = list(map(int, input().split()))
s = sorted(h)
diff = [i for i in range(n) if h[i] != s[i]]
if not diff:
    print("SORTED")
elif len(diff) == 2:
    print("ONE SWAP")
else:
    print("MESSY")
''',
    ["5\n1 5 3 4 2\n", "3\n3 1 2\n"],
)

add(
    "temperature_convert",
    """
Convert each of t temperatures to the other scale: a value in Celsius (C) to Fahrenheit (F) and a
value in Fahrenheit to Celsius, using F = C * 9 / 5 + 32. Print the result with one digit after the
decimal point followed by the new unit. A temperature below absolute zero (-273.15 C, which is
-459.67 F) is impossible: print IMPOSSIBLE for it.

Input
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains a value v and a unit,
C or F (-1000 ≤ v ≤ 1000; v has at most two digits after the decimal point).

Output
One line per temperature.
""",
    r'''
import sys

lines = iter(sys.stdin)
t = int(next(lines))
for _ in range(t):
    v, unit = next(lines).split()
    v = float(v)
    if unit == 'C':
        if v < -273.15:
            print("IMPOSSIBLE")
        else:
            print("%.1f F" % (v * 9 / 5 + 32))
    else:
        if v < -459.67:
            print("IMPOSSIBLE")
        else:
            print("%.1f C" % ((v - 32) * 5 / 9))
''',
    ["3\n100 C\n32 F\n-300 C\n"],
)

add(
    "long_words",
    """
Given n words and a number k, print the words that have at least k letters, in their original
order, separated by a comma and a space, and on the next line how many there are. If there are none
print NONE and then 0.

Input
The first line contains n and k (1 ≤ n ≤ 1000, 1 ≤ k ≤ 20). The words follow, separated by spaces
or line breaks; each is a string of lowercase letters of length at most 20.

Output
Two lines.
""",
    r'''
data = open(0).read().split()
n, k = int(data[0]), int(data[1])
words = data[2:2 + n]
chosen = [w for w in words if len(w) >= k]
if chosen:
    print(*chosen, sep=', ')
else:
    print("NONE")
print(len(chosen))
''',
    ["4 4\nsun moon\nstar planet\n"],
)

add(
    "mean_median_mode",
    """
Given n integers print their mean, their median and their mode. The mean is printed with three
digits after the decimal point; the median is the middle value of the sorted list, or the mean of
the two middle values when n is even (printed with one digit after the decimal point); the mode is
the most frequent value, the smallest one if several are equally frequent.

Input
The first line contains n (1 ≤ n ≤ 10^4). The second line contains n integers
(-10^6 ≤ a_i ≤ 10^6).

Output
Three lines.
""",
    r'''
n = int(input())
a = sorted(map(int, input().split()))
print("{:.3f}".format(sum(a) / n))
if n % 2 == 1:
    print("{:.1f}".format(a[n // 2]))
else:
    print("{:.1f}".format((a[n // 2 - 1] + a[n // 2]) / 2))
best, best_count = a[0], 0
i = 0
while i < n:
    j = i
    while j < n and a[j] == a[i]:
        j += 1
    if j - i > best_count:
        best, best_count = a[i], j - i
    i = j
print(best)
''',
    ["5\n3 1 3 2 8\n"],
)

add(
    "bus_fares",
    """
Each line of the input holds the age of one passenger. Children under 5 ride free, passengers under
18 pay 1, passengers aged 65 or more pay 2, and everybody else pays 3. Print the total fare, then
the number of free, reduced (1 or 2) and full fares, separated by spaces.

Input
Between 1 and 1000 lines; each contains an integer age a (0 ≤ a ≤ 120). The input ends at the end
of the file.

Output
Two lines.
""",
    r'''
import sys

total = 0
free = reduced = full = 0
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    age = int(line)
    if age < 5:
        free += 1
    elif age < 18:
        total += 1
        reduced += 1
    elif age >= 65:
        total += 2
        reduced += 1
    else:
        total += 3
        full += 1
print(total)
print(free, reduced, full)
''',
    ["3\n30\n70\n"],
)

add(
    "duel_rounds",
    """
Alice and Bob play n rounds; in round i Alice scores a_i and Bob scores b_i points. Print a string
of n characters: A for a round Alice wins, B for a round Bob wins and = for a tie. On the next line
print the overall winner (the one who won more rounds): ALICE, BOB or DRAW.

Input
The first line contains n (1 ≤ n ≤ 1000). The second line contains a_1..a_n and the third
b_1..b_n (0 ≤ a_i, b_i ≤ 100).

Output
Two lines.
""",
    r'''
n = int(input())
a = list(map(int, input().split()))
b = list(map(int, input().split()))
wa = wb = 0
for x, y in zip(a, b):
    if x > y:
        wa += 1
        print('A', end='')
    elif x < y:
        wb += 1
        print('B', end='')
    else:
        print('=', end='')
print()
print("ALICE" if wa > wb else "BOB" if wb > wa else "DRAW")
''',
    ["3\n5 6 7\n3 6 2\n"],
)
