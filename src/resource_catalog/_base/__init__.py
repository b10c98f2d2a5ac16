"""Low-level helpers every family may use: atomic writes and bounded reads, where the
package's data lies and which saved files may be read, how values are shown in messages,
and pausing the garbage collector for bulk work. Imports nothing else of the package."""
