using System.Runtime.CompilerServices;

// Every key lookup encodes the key into a stack buffer sized for the longest key (1 KB); zeroing it
// on each call was the map's largest cost in a GET profile. The code only reads what it wrote.
[module: SkipLocalsInit]
