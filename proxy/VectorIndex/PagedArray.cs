using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlmGateway.VectorIndex;

/// <summary>
/// Rows of a fixed width stored in large pages (no object per row). Growing adds pages and
/// publishes a new page directory; pages are never moved, so a reader that holds a row keeps a
/// valid view while a writer grows the array. Only <see cref="EnsureCapacity"/> takes a lock.
/// </summary>
internal sealed class PagedArray<T>
{
    private readonly Lock _growLock = new();
    private T[][] _pages = [];

    public PagedArray(int rowWidth, int pageShift)
    {
        RowWidth = rowWidth;
        PageShift = pageShift;
    }

    public int RowWidth { get; }

    /// <summary>log2 of the rows per page.</summary>
    public int PageShift { get; }

    public int RowsPerPage => 1 << PageShift;

    public int Capacity => Volatile.Read(ref _pages).Length << PageShift;

    public int PageCount => Volatile.Read(ref _pages).Length;

    public long AllocatedBytes => (long)PageCount * RowsPerPage * RowWidth * (typeof(T).IsValueType ? Unsafe.SizeOf<T>() : IntPtr.Size);

    /// <summary>The row's elements, without bounds checks beyond the page directory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Row(int row)
    {
        var page = Volatile.Read(ref _pages)[row >> PageShift];
        return MemoryMarshal.CreateSpan(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(page), (nint)(row & ((1 << PageShift) - 1)) * RowWidth),
            RowWidth);
    }

    /// <summary>First element of the row (for width-1 arrays).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T At(int row)
    {
        var page = Volatile.Read(ref _pages)[row >> PageShift];
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(page), (nint)(row & ((1 << PageShift) - 1)) * RowWidth);
    }

    /// <summary>The whole page <paramref name="pageIndex"/> (used by snapshots).</summary>
    public Span<T> Page(int pageIndex) => Volatile.Read(ref _pages)[pageIndex];

    public void EnsureCapacity(int rows)
    {
        if (rows <= Capacity)
        {
            return;
        }

        lock (_growLock)
        {
            var old = _pages;
            var needed = (int)(((long)rows + RowsPerPage - 1) >> PageShift);
            if (needed <= old.Length)
            {
                return;
            }

            // Exactly the pages needed: the directory is a small array of references and is cheap
            // to copy, while a spare page of vectors would cost megabytes.
            var grown = new T[needed][];
            Array.Copy(old, grown, old.Length);
            for (var i = old.Length; i < grown.Length; i++)
            {
                grown[i] = new T[RowsPerPage * RowWidth];
            }

            Volatile.Write(ref _pages, grown);
        }
    }

    /// <summary>log2 of a page size suited to an expected row count: between 2^8 and 2^12 rows.</summary>
    public static int PageShiftFor(int expectedRows)
    {
        var shift = 8;
        while (shift < 12 && (1 << shift) < expectedRows)
        {
            shift++;
        }

        return shift;
    }
}
