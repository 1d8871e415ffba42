namespace Vae.MLNet;

/// <summary>
/// The k nearest neighbours of every point by Euclidean distance, found by comparing all pairs. Exact on purpose:
/// on a VAE's μ (10 dimensions) 70,000 points take seconds, and an approximate search would make the graph, and so
/// the clusters, depend on the search's own randomness.
/// </summary>
internal static class ExactNearestNeighbors
{
    /// <summary>
    /// Row i of the result lists i's <paramref name="k"/> nearest points (itself first, at distance 0), nearest
    /// first; equal distances are ordered by index so the result does not depend on thread timing.
    /// </summary>
    public static (int[] Indices, float[] Distances) Find(PointMatrix points, int k)
    {
        if (k > points.Count)
            throw new ArgumentException($"{k} neighbours per point need at least {k} points; got {points.Count}.");
        var indices = new int[points.Count * k];
        var distances = new float[points.Count * k];
        Parallel.For(0, points.Count, () => new NeighborHeap(k), (i, _, heap) =>
        {
            heap.Clear();
            var row = points.Row(i);
            for (int j = 0; j < points.Count; j++)
                heap.Offer(PointMatrix.SquaredDistanceSimd(row, points.Row(j)), j);
            heap.WriteSorted(indices.AsSpan(i * k, k), distances.AsSpan(i * k, k));
            // Its own point must come first even when another point coincides with it (both at distance 0).
            MoveSelfFirst(i, indices.AsSpan(i * k, k), distances.AsSpan(i * k, k));
            return heap;
        }, _ => { });
        return (indices, distances);
    }

    private static void MoveSelfFirst(int self, Span<int> indices, Span<float> distances)
    {
        int at = indices.IndexOf(self);
        if (at <= 0) return; // first already, or pushed out by ≥ k duplicates: UMAP treats distance 0 alike
        for (int m = at; m > 0; m--) (indices[m], distances[m]) = (indices[m - 1], distances[m - 1]);
        (indices[0], distances[0]) = (self, 0f);
    }

    /// <summary>The k smallest (distance, index) pairs seen so far, as a max-heap on (distance, index).</summary>
    private sealed class NeighborHeap(int capacity)
    {
        private readonly float[] _keys = new float[capacity];
        private readonly int[] _items = new int[capacity];
        private int _count;

        public void Clear() => _count = 0;

        public void Offer(float key, int item)
        {
            if (_count < capacity)
            {
                int c = _count++;
                _keys[c] = key;
                _items[c] = item;
                SiftUp(c);
            }
            else if (Less(key, item, _keys[0], _items[0]))
            {
                _keys[0] = key;
                _items[0] = item;
                SiftDown(0);
            }
        }

        /// <summary>Empties the heap into ascending order; distances become Euclidean (square roots).</summary>
        public void WriteSorted(Span<int> indices, Span<float> distances)
        {
            for (int m = _count - 1; m >= 0; m--)
            {
                indices[m] = _items[0];
                distances[m] = MathF.Sqrt(_keys[0]);
                _count--;
                _keys[0] = _keys[_count];
                _items[0] = _items[_count];
                SiftDown(0);
            }
        }

        private static bool Less(float key, int item, float otherKey, int otherItem) =>
            key < otherKey || (key == otherKey && item < otherItem);

        private void SiftUp(int c)
        {
            while (c > 0)
            {
                int parent = (c - 1) / 2;
                if (!Less(_keys[parent], _items[parent], _keys[c], _items[c])) return;
                Swap(parent, c);
                c = parent;
            }
        }

        private void SiftDown(int c)
        {
            while (true)
            {
                int largest = c, left = 2 * c + 1, right = left + 1;
                if (left < _count && Less(_keys[largest], _items[largest], _keys[left], _items[left])) largest = left;
                if (right < _count && Less(_keys[largest], _items[largest], _keys[right], _items[right])) largest = right;
                if (largest == c) return;
                Swap(largest, c);
                c = largest;
            }
        }

        private void Swap(int a, int b)
        {
            (_keys[a], _keys[b]) = (_keys[b], _keys[a]);
            (_items[a], _items[b]) = (_items[b], _items[a]);
        }
    }
}
