// Strapi's generated REST controller for products, unchanged.
const { factories } = require("@strapi/strapi");

module.exports = factories.createCoreController("api::product.product");
