using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet.Onnx;

/// <summary>
/// Drops the nodes and initializers a graph's outputs do not depend on. ONNX Runtime executes every node
/// of a session's graph whatever outputs a Run fetches (only its training builds prune), so a graph asked
/// for μ alone would still run the decoder.
/// </summary>
internal static class OnnxGraphPruning
{
    public static void KeepWhatOutputsNeed(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        // Nodes are in topological order, so one backward pass sees every consumer before its producers.
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (!node.Output.Any(needed.Contains))
                continue;
            kept.Add(node);
            foreach (string input in node.Input) needed.Add(input);
            foreach (var attribute in node.Attribute)
            {
                // A subgraph (If, Loop, Scan) may read outer tensors by name without listing them as inputs.
                if (attribute.G != null) AddReferences(attribute.G, needed);
                foreach (var g in attribute.Graphs) AddReferences(g, needed);
            }
        }
        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        // An initializer also listed as a graph input (IR < 4 style) stays: without it the input would become required.
        var inputs = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer.Where(t => !needed.Contains(t.Name) && !inputs.Contains(t.Name)).ToList())
            graph.Initializer.Remove(initializer);
        foreach (var info in graph.ValueInfo.Where(v => !needed.Contains(v.Name)).ToList())
            graph.ValueInfo.Remove(info);
    }

    private static void AddReferences(GraphProto graph, HashSet<string> needed)
    {
        foreach (var node in graph.Node)
        {
            foreach (string input in node.Input) needed.Add(input);
            foreach (var attribute in node.Attribute)
            {
                if (attribute.G != null) AddReferences(attribute.G, needed);
                foreach (var g in attribute.Graphs) AddReferences(g, needed);
            }
        }
    }
}
