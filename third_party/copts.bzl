"""Compiler options that other packages need when they use a third-party library."""

# At -O2, gcc 12 reports false "maybe-uninitialized" warnings inside Boost.Graph's edge iterators
# (boost::optional in adj_list_edge_iterator); targets that iterate all edges (write_graphviz
# does) add this to copts.
BOOST_GRAPH_COPTS = ["-Wno-maybe-uninitialized"]
