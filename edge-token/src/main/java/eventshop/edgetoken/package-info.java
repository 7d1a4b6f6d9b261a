/**
 * The edge token's names ({@link eventshop.edgetoken.EdgeToken}): what edge mints into every request it
 * forwards and what the services verify. Plain Java, no Spring, nothing else of eventshop.
 */
package eventshop.edgetoken;
