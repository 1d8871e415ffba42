using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Reliability.Tests.Support;

/// <summary>Wraps a data view and counts the cursors opened and the rows they moved over (laziness checks).</summary>
public sealed class CountingDataView : IDataView
{
    private readonly IDataView _inner;
    private long _rowsRead;
    private int _cursorsOpened;

    public CountingDataView(IDataView inner) => _inner = inner;

    public long RowsRead => Interlocked.Read(ref _rowsRead);
    public int CursorsOpened => Volatile.Read(ref _cursorsOpened);

    public bool CanShuffle => _inner.CanShuffle;
    public DataViewSchema Schema => _inner.Schema;
    public long? GetRowCount() => _inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Interlocked.Increment(ref _cursorsOpened);
        return new Cursor(this, _inner.GetRowCursor(columnsNeeded, rand));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var inner = _inner.GetRowCursorSet(columnsNeeded, n, rand);
        Interlocked.Add(ref _cursorsOpened, inner.Length);
        return inner.Select(c => (DataViewRowCursor)new Cursor(this, c)).ToArray();
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly CountingDataView _owner;
        private readonly DataViewRowCursor _inner;

        public Cursor(CountingDataView owner, DataViewRowCursor inner) => (_owner, _inner) = (owner, inner);

        public override DataViewSchema Schema => _inner.Schema;
        public override long Position => _inner.Position;
        public override long Batch => _inner.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _inner.GetGetter<TValue>(column);
        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);

        public override bool MoveNext()
        {
            bool moved = _inner.MoveNext();
            if (moved) Interlocked.Increment(ref _owner._rowsRead);
            return moved;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
