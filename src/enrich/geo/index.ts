export { GeoTagger, loadGeoipLite } from './geo-tagger.js';
export type { GeoLoadState, GeoLookupFn, GeoRecord, GeoTag, GeoTaggerOptions, GeoTaggerStats } from './geo-tagger.js';
export { classifyAddress, classifyForLookup, classifyWords, embeddedV4, isSpecialAddress } from './special-ranges.js';
export type { AddressClass } from './special-ranges.js';
