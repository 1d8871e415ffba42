using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Views, cursors, row mappers and rows over a transformer chain whose stages own native sessions (the
/// detector's score graph runs in ML.NET's <c>ApplyOnnxModel</c>, whose session we cannot lease per run): each
/// cursor and row holds a lease on the owner's <see cref="Lifetime"/> until it is disposed, so the sessions
/// outlive it, and checks the owner before every move and read, so use after Dispose is an
/// <see cref="ObjectDisposedException"/> naming the owner.
/// </summary>
internal static class LeasedRows
{
    public static IDataView View(IDataView inner, Lifetime lifetime) => new LeasedView(inner, lifetime);

    public static IRowToRowMapper Mapper(IRowToRowMapper inner, Lifetime lifetime) => new LeasedMapper(inner, lifetime);

    private static ValueGetter<T> Checked<T>(ValueGetter<T> inner, Lifetime lifetime) => (ref T value) =>
    {
        lifetime.ThrowIfDisposed();
        inner(ref value);
    };

    /// <summary>Runs <paramref name="create"/> under a new lease; the lease ends with the created object (or at once if creating it fails).</summary>
    private static T Leased<T>(Lifetime lifetime, Func<IDisposable, T> create)
    {
        var lease = lifetime.Acquire();
        try
        {
            return create(lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private sealed class LeasedView(IDataView inner, Lifetime lifetime) : IDataView
    {
        public bool CanShuffle => inner.CanShuffle;

        public DataViewSchema Schema => inner.Schema;

        public long? GetRowCount() => inner.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            Leased(lifetime, lease => (DataViewRowCursor)new LeasedCursor(inner.GetRowCursor(columnsNeeded, rand), lease, lifetime));

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        {
            lifetime.ThrowIfDisposed();
            var cursors = inner.GetRowCursorSet(columnsNeeded, n, rand);
            var wrapped = new DataViewRowCursor[cursors.Length];
            try
            {
                for (int i = 0; i < cursors.Length; i++)
                    wrapped[i] = Leased(lifetime, lease => (DataViewRowCursor)new LeasedCursor(cursors[i], lease, lifetime));
            }
            catch
            {
                for (int i = 0; i < cursors.Length; i++)
                    (wrapped[i] ?? cursors[i]).Dispose();
                throw;
            }
            return wrapped;
        }
    }

    private sealed class LeasedCursor(DataViewRowCursor inner, IDisposable lease, Lifetime lifetime) : DataViewRowCursor
    {
        public override DataViewSchema Schema => inner.Schema;
        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => Checked(inner.GetIdGetter(), lifetime);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Checked(inner.GetGetter<TValue>(column), lifetime);

        public override bool MoveNext()
        {
            lifetime.ThrowIfDisposed();
            return inner.MoveNext();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                lease.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class LeasedMapper(IRowToRowMapper inner, Lifetime lifetime) : IRowToRowMapper
    {
        public DataViewSchema InputSchema => inner.InputSchema;

        public DataViewSchema OutputSchema => inner.OutputSchema;

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
            inner.GetDependencies(dependingColumns);

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
            Leased(lifetime, lease => (DataViewRow)new LeasedRow(inner.GetRow(input, activeColumns), lease, lifetime));
    }

    private sealed class LeasedRow(DataViewRow inner, IDisposable lease, Lifetime lifetime) : DataViewRow
    {
        public override DataViewSchema Schema => inner.Schema;
        public override long Position => inner.Position;
        public override long Batch => inner.Batch;
        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => Checked(inner.GetIdGetter(), lifetime);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Checked(inner.GetGetter<TValue>(column), lifetime);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                lease.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
